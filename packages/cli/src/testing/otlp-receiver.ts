import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DecodedSpan, decodeTraceRequest } from './otlp-protobuf.ts';

/** One request the receiver got. */
export interface ReceivedExport {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly spans: readonly DecodedSpan[];
}

/** A local OTLP/HTTP traces endpoint for tests: decodes each protobuf export it receives. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: give it as the OTLP endpoint (`/v1/traces` is appended). */
  readonly url: string;
  readonly exports: readonly ReceivedExport[];
  /** Every span received so far, across exports. */
  spans(): DecodedSpan[];
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((settle, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => settle(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * Starts the receiver on 127.0.0.1 and a free port. It answers 200 with an empty
 * `ExportTraceServiceResponse` (zero bytes is a valid empty message), or 400 to a body it cannot decode.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const exports: ReceivedExport[] = [];
  const server: Server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        try {
          const spans = decodeTraceRequest(new Uint8Array(body));
          exports.push({ path: request.url ?? '', contentType: request.headers['content-type'], spans });
          response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        } catch (error) {
          response.writeHead(400).end(String(error));
        }
      },
      () => response.writeHead(400).end(),
    );
  });
  await new Promise<void>((settle) => server.listen(0, '127.0.0.1', settle));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    spans: () => exports.flatMap((received) => received.spans),
    close: () =>
      new Promise<void>((settle) => {
        server.closeAllConnections();
        server.close(() => settle());
      }),
  };
}
