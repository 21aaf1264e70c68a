/**
 * A small decoder of OTLP `ExportTraceServiceRequest` protobuf payloads, for tests that receive what the
 * OTLP/HTTP exporter sends. The OpenTelemetry packages only encode requests (their reader is internal),
 * and protobufjs is not installed, so this reads the wire format directly, field numbers taken from
 * opentelemetry/proto (trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto).
 */

/** An attribute value: strings, booleans, numbers (int64 as number when safe, else bigint), arrays, maps, bytes. */
export type AttributeValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | readonly AttributeValue[]
  | { readonly [key: string]: AttributeValue }
  | undefined;

export interface DecodedEvent {
  readonly name: string;
  readonly timeUnixNano: bigint;
  readonly attributes: Record<string, AttributeValue>;
}

export interface DecodedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: Record<string, AttributeValue>;
  readonly events: readonly DecodedEvent[];
  /** OTLP numbering: 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message: string };
  readonly scope: { readonly name: string; readonly version: string };
  readonly resource: Record<string, AttributeValue>;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

class Reader {
  private position = 0;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.position >= this.bytes.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.position >= this.bytes.length) throw new RangeError('truncated varint');
      const byte = this.bytes[this.position] as number;
      this.position += 1;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new RangeError('varint longer than 10 bytes');
    }
  }

  tag(): { field: number; wire: number } {
    const tag = Number(this.varint());
    return { field: tag >>> 3, wire: tag & 7 };
  }

  fixed64(): bigint {
    const value = this.view.getBigUint64(this.position, true);
    this.position += 8;
    return value;
  }

  double(): number {
    const value = this.view.getFloat64(this.position, true);
    this.position += 8;
    return value;
  }

  bytesField(): Uint8Array {
    const length = Number(this.varint());
    if (this.position + length > this.bytes.length) throw new RangeError('truncated length-delimited field');
    const value = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return value;
  }

  string(): string {
    return new TextDecoder().decode(this.bytesField());
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) this.position += 8;
    else if (wire === WIRE_BYTES) this.bytesField();
    else if (wire === WIRE_FIXED32) this.position += 4;
    else throw new RangeError(`unsupported wire type ${wire}`);
  }
}

/** Calls `onField` for each field of a message; it returns false for fields it does not read. */
function readMessage(bytes: Uint8Array, onField: (field: number, wire: number, reader: Reader) => boolean): void {
  const reader = new Reader(bytes);
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (!onField(field, wire, reader)) reader.skip(wire);
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function int64(value: bigint): number | bigint {
  const signed = BigInt.asIntN(64, value);
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(signed)
    : signed;
}

function anyValue(bytes: Uint8Array): AttributeValue {
  let value: AttributeValue;
  readMessage(bytes, (field, wire, reader) => {
    if (field === 1 && wire === WIRE_BYTES) value = reader.string();
    else if (field === 2 && wire === WIRE_VARINT) value = reader.varint() !== 0n;
    else if (field === 3 && wire === WIRE_VARINT) value = int64(reader.varint());
    else if (field === 4 && wire === WIRE_FIXED64) value = reader.double();
    else if (field === 5 && wire === WIRE_BYTES) {
      const values: AttributeValue[] = [];
      readMessage(reader.bytesField(), (f, w, r) => {
        if (f !== 1 || w !== WIRE_BYTES) return false;
        values.push(anyValue(r.bytesField()));
        return true;
      });
      value = values;
    } else if (field === 6 && wire === WIRE_BYTES) {
      const map: Record<string, AttributeValue> = {};
      readMessage(reader.bytesField(), (f, w, r) => {
        if (f !== 1 || w !== WIRE_BYTES) return false;
        const [key, entry] = keyValue(r.bytesField());
        map[key] = entry;
        return true;
      });
      value = map;
    } else if (field === 7 && wire === WIRE_BYTES) value = reader.bytesField().slice();
    else return false;
    return true;
  });
  return value;
}

function keyValue(bytes: Uint8Array): [string, AttributeValue] {
  let key = '';
  let value: AttributeValue;
  readMessage(bytes, (field, wire, reader) => {
    if (field === 1 && wire === WIRE_BYTES) key = reader.string();
    else if (field === 2 && wire === WIRE_BYTES) value = anyValue(reader.bytesField());
    else return false;
    return true;
  });
  return [key, value];
}

function attributesInto(target: Record<string, AttributeValue>, bytes: Uint8Array): void {
  const [key, value] = keyValue(bytes);
  target[key] = value;
}

function decodeEvent(bytes: Uint8Array): DecodedEvent {
  let name = '';
  let timeUnixNano = 0n;
  const attributes: Record<string, AttributeValue> = {};
  readMessage(bytes, (field, wire, reader) => {
    if (field === 1 && wire === WIRE_FIXED64) timeUnixNano = reader.fixed64();
    else if (field === 2 && wire === WIRE_BYTES) name = reader.string();
    else if (field === 3 && wire === WIRE_BYTES) attributesInto(attributes, reader.bytesField());
    else return false;
    return true;
  });
  return { name, timeUnixNano, attributes };
}

function decodeSpan(
  bytes: Uint8Array,
  scope: DecodedSpan['scope'],
  resource: Record<string, AttributeValue>,
): DecodedSpan {
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  const attributes: Record<string, AttributeValue> = {};
  const events: DecodedEvent[] = [];
  let status = { code: 0, message: '' };
  readMessage(bytes, (field, wire, reader) => {
    if (field === 1 && wire === WIRE_BYTES) traceId = hex(reader.bytesField());
    else if (field === 2 && wire === WIRE_BYTES) spanId = hex(reader.bytesField());
    else if (field === 4 && wire === WIRE_BYTES) parentSpanId = hex(reader.bytesField());
    else if (field === 5 && wire === WIRE_BYTES) name = reader.string();
    else if (field === 6 && wire === WIRE_VARINT) kind = Number(reader.varint());
    else if (field === 7 && wire === WIRE_FIXED64) startTimeUnixNano = reader.fixed64();
    else if (field === 8 && wire === WIRE_FIXED64) endTimeUnixNano = reader.fixed64();
    else if (field === 9 && wire === WIRE_BYTES) attributesInto(attributes, reader.bytesField());
    else if (field === 11 && wire === WIRE_BYTES) events.push(decodeEvent(reader.bytesField()));
    else if (field === 15 && wire === WIRE_BYTES) {
      let code = 0;
      let message = '';
      readMessage(reader.bytesField(), (f, w, r) => {
        if (f === 2 && w === WIRE_BYTES) message = r.string();
        else if (f === 3 && w === WIRE_VARINT) code = Number(r.varint());
        else return false;
        return true;
      });
      status = { code, message };
    } else return false;
    return true;
  });
  return {
    traceId,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    events,
    status,
    scope,
    resource,
  };
}

/** Decodes an `ExportTraceServiceRequest` into its spans, each carrying its scope and resource attributes. */
export function decodeTraceRequest(bytes: Uint8Array): DecodedSpan[] {
  const spans: DecodedSpan[] = [];
  readMessage(bytes, (field, wire, reader) => {
    if (field !== 1 || wire !== WIRE_BYTES) return false;
    const resource: Record<string, AttributeValue> = {};
    const scopeSpans: Uint8Array[] = [];
    readMessage(reader.bytesField(), (f, w, r) => {
      if (f === 1 && w === WIRE_BYTES) {
        readMessage(r.bytesField(), (rf, rw, rr) => {
          if (rf !== 1 || rw !== WIRE_BYTES) return false;
          attributesInto(resource, rr.bytesField());
          return true;
        });
      } else if (f === 2 && w === WIRE_BYTES) scopeSpans.push(r.bytesField());
      else return false;
      return true;
    });
    // Resource comes first on the wire in practice, but the spans are decoded after it either way.
    for (const scopeBytes of scopeSpans) {
      let scope = { name: '', version: '' };
      const spanBytes: Uint8Array[] = [];
      readMessage(scopeBytes, (f, w, r) => {
        if (f === 1 && w === WIRE_BYTES) {
          let scopeName = '';
          let version = '';
          readMessage(r.bytesField(), (sf, sw, sr) => {
            if (sf === 1 && sw === WIRE_BYTES) scopeName = sr.string();
            else if (sf === 2 && sw === WIRE_BYTES) version = sr.string();
            else return false;
            return true;
          });
          scope = { name: scopeName, version };
        } else if (f === 2 && w === WIRE_BYTES) spanBytes.push(r.bytesField());
        else return false;
        return true;
      });
      for (const span of spanBytes) spans.push(decodeSpan(span, scope, resource));
    }
    return true;
  });
  return spans;
}
