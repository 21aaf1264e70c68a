// WRITTEN BY HAND FOR THIS EXAMPLE: the invoices are fictional and every "model answer" below was written by
// a person to look like what small and large models do with such documents (fenced JSON, a trailing comma, a
// dropped field, a misread date, arithmetic that misses a discount or a deposit). None of it is real model
// output. write-recording.ts turns this file into requests.jsonl and recorded/invoices.jsonl.

/** A line item as the schema wants it. */
interface Line {
  readonly description: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly amount: number;
}

/** The correct extraction of a document. */
export interface Extraction {
  readonly invoiceNumber: string;
  readonly vendor: string;
  readonly issueDate: string;
  readonly dueDate: string | null;
  readonly currency: 'EUR' | 'USD' | 'GBP' | 'CHF';
  readonly lineItems: readonly Line[];
  readonly tax: number;
  readonly total: number;
}

export interface ScriptedDocument {
  readonly id: string;
  /** The document text, as OCR or a PDF-to-text step would hand it over. */
  readonly document: string;
  /** The correct extraction; null for a document that is not an invoice. */
  readonly reference: Extraction | null;
  /** Each tier's answers in call order: the first answer, then the answer to a repair. */
  readonly answers: {
    readonly small: readonly string[];
    readonly medium?: readonly string[];
    readonly claude?: readonly string[];
  };
}

const compact = (value: unknown): string => JSON.stringify(value);
const pretty = (value: unknown): string => JSON.stringify(value, null, 2);
const fenced = (value: unknown): string => `\`\`\`json\n${pretty(value)}\n\`\`\``;
/** A copy with some fields replaced (a model's mistake) or removed (`undefined`). */
function edit(value: Extraction, changes: { readonly [key: string]: unknown }): unknown {
  const copy: { [key: string]: unknown } = { ...value };
  for (const [key, replacement] of Object.entries(changes)) {
    if (replacement === undefined) delete copy[key];
    else copy[key] = replacement;
  }
  return copy;
}

const inv001: Extraction = {
  invoiceNumber: 'NL-2025-0412',
  vendor: 'Nordlicht Software GmbH',
  issueDate: '2025-03-04',
  dueDate: '2025-04-03',
  currency: 'EUR',
  lineItems: [
    { description: 'Annual licence, Nordlicht Planner Team', quantity: 10, unitPrice: 96, amount: 960 },
    { description: 'Onboarding workshop (half day)', quantity: 1, unitPrice: 450, amount: 450 },
  ],
  tax: 267.9,
  total: 1677.9,
};

const inv002: Extraction = {
  invoiceNumber: 'HSC-88213',
  vendor: 'Harbor Street Coffee Roasters',
  issueDate: '2025-03-06',
  dueDate: '2025-04-05',
  currency: 'USD',
  lineItems: [
    { description: 'Espresso blend, 5 lb bag', quantity: 6, unitPrice: 54, amount: 324 },
    { description: 'Single origin Ethiopia Guji, 5 lb bag', quantity: 2, unitPrice: 71.5, amount: 143 },
    { description: 'Paper cups 12 oz, case of 1000', quantity: 3, unitPrice: 38.25, amount: 114.75 },
  ],
  tax: 10.18,
  total: 591.93,
};

const inv003: Extraction = {
  invoiceNumber: 'BF/2025/0331',
  vendor: 'Blackwood & Finch Ltd',
  issueDate: '2025-03-31',
  dueDate: '2025-04-14',
  currency: 'GBP',
  lineItems: [
    { description: 'Legal review of supplier agreement', quantity: 6.5, unitPrice: 180, amount: 1170 },
    { description: 'Companies House filing fee (disbursement)', quantity: 1, unitPrice: 13, amount: 13 },
  ],
  tax: 234,
  total: 1417,
};

const inv004: Extraction = {
  invoiceNumber: '2025-117',
  vendor: 'Alpenblick Treuhand AG',
  issueDate: '2025-04-07',
  dueDate: '2025-05-07',
  currency: 'CHF',
  lineItems: [
    { description: 'Buchhaltung Q1 2025', quantity: 1, unitPrice: 2400, amount: 2400 },
    { description: 'Lohnabrechnungen (12 Mitarbeitende x 3 Monate)', quantity: 36, unitPrice: 18.5, amount: 666 },
  ],
  tax: 248.35,
  total: 3314.35,
};

const inv005: Extraction = {
  invoiceNumber: 'KL-559031',
  vendor: 'Kestrel Logistics Inc.',
  issueDate: '2025-03-14',
  dueDate: '2025-03-29',
  currency: 'USD',
  lineItems: [
    {
      description: 'Full truckload Chicago, IL to Columbus, OH (03/11/2025)',
      quantity: 1,
      unitPrice: 1850,
      amount: 1850,
    },
    { description: 'Fuel surcharge (18%)', quantity: 1, unitPrice: 333, amount: 333 },
    { description: 'Liftgate delivery', quantity: 1, unitPrice: 95, amount: 95 },
    { description: 'Detention', quantity: 2, unitPrice: 75, amount: 150 },
  ],
  tax: 0,
  total: 2428,
};

const inv006: Extraction = {
  invoiceNumber: 'SM-25-044',
  vendor: 'Studio Marée',
  issueDate: '2025-03-18',
  dueDate: '2025-04-17',
  currency: 'EUR',
  lineItems: [
    { description: 'Conception graphique – identité visuelle', quantity: 1, unitPrice: 2800, amount: 2800 },
    { description: 'Déclinaison cartes de visite (2 modèles)', quantity: 2, unitPrice: 150, amount: 300 },
  ],
  tax: 620,
  total: 3720,
};

const inv007: Extraction = {
  invoiceNumber: 'V-2025-0098',
  vendor: 'Vértice Consultores S.L.',
  issueDate: '2025-03-20',
  dueDate: '2025-04-19',
  currency: 'EUR',
  lineItems: [
    { description: 'Auditoría de procesos (paquete)', quantity: 1, unitPrice: 3200, amount: 3200 },
    { description: 'Formación equipo (8 personas)', quantity: 8, unitPrice: 120, amount: 960 },
    { description: 'Descuento cliente recurrente 5%', quantity: 1, unitPrice: -208, amount: -208 },
  ],
  tax: 829.92,
  total: 4781.92,
};

const inv008: Extraction = {
  invoiceNumber: 'PDS-20417',
  vendor: 'Pinecrest Dental Supply',
  issueDate: '2025-03-21',
  dueDate: '2025-04-20',
  currency: 'USD',
  lineItems: [
    { description: 'Nitrile gloves, size M, box of 200', quantity: 10, unitPrice: 17.9, amount: 179 },
    { description: 'Prophy paste, mint, 200 cups', quantity: 2, unitPrice: 42, amount: 84 },
  ],
  tax: 15.78,
  total: 278.78,
};

const inv009: Extraction = {
  invoiceNumber: 'ML-0312',
  vendor: 'Maison Lefèvre',
  issueDate: '2025-03-12',
  dueDate: '2025-04-11',
  currency: 'EUR',
  lineItems: [
    { description: 'Traiteur – cocktail 40 personnes', quantity: 40, unitPrice: 32, amount: 1280 },
    { description: 'Service (2 serveurs, 4 h)', quantity: 8, unitPrice: 35, amount: 280 },
  ],
  tax: 156,
  total: 1716,
};

const inv010: Extraction = {
  invoiceNumber: 'HT-7781',
  vendor: 'Hokuto Trading Co., Ltd.',
  issueDate: '2025-03-25',
  dueDate: '2025-04-24',
  currency: 'USD',
  lineItems: [
    { description: 'Ceramic tea bowls (matcha), hand-glazed', quantity: 24, unitPrice: 38.5, amount: 924 },
    { description: 'Bamboo whisks (chasen), 100 tines', quantity: 24, unitPrice: 12.75, amount: 306 },
    { description: 'Cast iron kettle 1.2 L', quantity: 6, unitPrice: 108, amount: 648 },
    { description: 'Freight', quantity: 1, unitPrice: 180, amount: 180 },
  ],
  tax: 0,
  total: 2058,
};

const inv011: Extraction = {
  invoiceNumber: 'GL-104233',
  vendor: 'Greenleaf Office Supplies Ltd',
  issueDate: '2025-04-02',
  dueDate: '2025-05-02',
  currency: 'GBP',
  lineItems: [
    { description: 'A4 copier paper, 80gsm, box of 5 reams', quantity: 12, unitPrice: 21.99, amount: 263.88 },
    { description: 'Toner cartridge HP 59A', quantity: 2, unitPrice: 89.5, amount: 179 },
  ],
  tax: 88.58,
  total: 531.46,
};

const inv012: Extraction = {
  invoiceNumber: 'BW-2025-031',
  vendor: 'Brightwave Media GmbH',
  issueDate: '2025-03-31',
  dueDate: '2025-04-14',
  currency: 'EUR',
  lineItems: [
    { description: 'Social-Media-Kampagne März (Konzeption)', quantity: 1, unitPrice: 1500, amount: 1500 },
    { description: 'Content-Produktion, 12 Posts', quantity: 12, unitPrice: 85, amount: 1020 },
    { description: 'Anzeigenbudget (durchlaufender Posten)', quantity: 1, unitPrice: 2000, amount: 2000 },
  ],
  tax: 478.8,
  total: 4998.8,
};

const inv013: Extraction = {
  invoiceNumber: 'TA-2025-19',
  vendor: 'Tallis Audio Sàrl',
  issueDate: '2025-04-03',
  dueDate: '2025-05-03',
  currency: 'CHF',
  lineItems: [
    { description: 'Location studio, 2 jours', quantity: 2, unitPrice: 650, amount: 1300 },
    { description: 'Mastering, 10 titres', quantity: 10, unitPrice: 45, amount: 450 },
  ],
  tax: 141.75,
  total: 1891.75,
};

const inv014: Extraction = {
  invoiceNumber: 'OL-3307',
  vendor: 'Oakridge Landscaping LLC',
  issueDate: '2025-04-04',
  dueDate: '2025-04-18',
  currency: 'USD',
  lineItems: [
    { description: 'Spring cleanup (crew of 3, 6 h)', quantity: 18, unitPrice: 55, amount: 990 },
    { description: 'Mulch, double-shredded, cubic yard', quantity: 8, unitPrice: 42, amount: 336 },
  ],
  tax: 92.82,
  total: 1418.82,
};

const inv015: Extraction = {
  invoiceNumber: 'FM-2025-0211',
  vendor: 'Fjordline Marine Services AS',
  issueDate: '2025-03-27',
  dueDate: '2025-04-10',
  currency: 'EUR',
  lineItems: [
    { description: 'Hull cleaning, 42 ft vessel', quantity: 1, unitPrice: 1260, amount: 1260 },
    { description: 'Antifouling paint, 2.5 L', quantity: 4, unitPrice: 96, amount: 384 },
    { description: 'Zinc anode, 12" shaft', quantity: 2, unitPrice: 45, amount: 90 },
    { description: 'Labour', quantity: 14, unitPrice: 68, amount: 952 },
    { description: 'Deposit received 2025-02-28', quantity: 1, unitPrice: -1000, amount: -1000 },
  ],
  tax: 671.5,
  total: 2357.5,
};

const inv016: Extraction = {
  invoiceNumber: 'CPS-11872',
  vendor: 'Copperfield Print Shop',
  issueDate: '2025-04-08',
  dueDate: '2025-05-08',
  currency: 'USD',
  lineItems: [
    { description: 'Business cards, 16pt matte, 500', quantity: 4, unitPrice: 39, amount: 156 },
    { description: 'Tri-fold brochures, 1,000', quantity: 1, unitPrice: 289, amount: 289 },
  ],
  tax: 36.71,
  total: 481.71,
};

/** What the models make of a delivery note: it has no prices, so no tier can fill the schema honestly. */
const deliveryNote = {
  invoiceNumber: 'LS-44817',
  vendor: 'Rheinwerk Industriebedarf GmbH',
  issueDate: '2025-04-09',
  dueDate: null,
  currency: 'EUR',
  lineItems: [
    { description: 'Sechskantschrauben M8x40, verzinkt', quantity: 500, unitPrice: null, amount: null },
    { description: 'Sechskantmuttern M8', quantity: 500, unitPrice: null, amount: null },
    { description: 'Unterlegscheiben 8,4 mm', quantity: 1000, unitPrice: null, amount: null },
  ],
  tax: null,
  total: null,
};
const notAnInvoice = {
  error: 'not_an_invoice',
  reason:
    'The document is a delivery note (Lieferschein LS-44817). It lists quantities but no prices, tax or amount due; the invoice is sent separately.',
};

export const documents: readonly ScriptedDocument[] = [
  {
    id: 'inv-001',
    document: `Nordlicht Software GmbH · Hafenstraße 12 · 20457 Hamburg
RECHNUNG / INVOICE
Invoice no.: NL-2025-0412          Date: 04.03.2025
Customer: Brauhaus Elbe KG, Kundennr. 30117

Pos  Description                                   Qty   Unit price     Amount
1    Annual licence, Nordlicht Planner Team         10   96,00 €     960,00 €
2    Onboarding workshop (half day)                  1   450,00 €    450,00 €

Net amount                                                     1.410,00 €
VAT 19%                                                          267,90 €
Total                                                          1.677,90 €
Payable within 30 days, by 03.04.2025, to IBAN DE44 2005 0550 1234 5678 90.`,
    reference: inv001,
    answers: { small: [compact(inv001)] },
  },
  {
    id: 'inv-002',
    document: `HARBOR STREET COFFEE ROASTERS
418 Harbor St, Portland, ME 04101

INVOICE #HSC-88213
Date: March 6, 2025        Terms: Net 30 (due April 5, 2025)
Bill to: Lighthouse Café, 12 Commercial St, Portland, ME

Item                                       Qty    Price      Total
Espresso blend, 5 lb bag                     6    $54.00    $324.00
Single origin Ethiopia Guji, 5 lb bag        2    $71.50    $143.00
Paper cups 12 oz, case of 1000               3    $38.25    $114.75

Subtotal                                                    $581.75
Sales tax (8.875% on cups only)                              $10.18
TOTAL DUE                                                   $591.93`,
    reference: inv002,
    answers: { small: [fenced(inv002)] },
  },
  {
    id: 'inv-003',
    document: `Blackwood & Finch Ltd — Solicitors
22 Queen Anne's Gate, London SW1H 9AA · VAT reg. GB 318 4471 26

Invoice BF/2025/0331
Date of invoice: 31 March 2025
Client: Ashdown Robotics Ltd — Matter 2025-117 (supplier agreement)

Professional fees: legal review of supplier agreement, 6.5 hours at £180.00    £1,170.00
Disbursement: Companies House filing fee                                           £13.00
VAT at 20% on fees                                                                £234.00
Total payable                                                                   £1,417.00

Payment is due within 14 days of the invoice date (by 14 April 2025).`,
    reference: inv003,
    answers: {
      // The small model drops the currency: the schema gate names the missing field, the repair adds it.
      small: [compact(edit(inv003, { currency: undefined })), compact(inv003)],
    },
  },
  {
    id: 'inv-004',
    document: `Alpenblick Treuhand AG
Bahnhofstrasse 41, 8001 Zürich · MWST-Nr. CHE-112.304.556 MWST

Rechnung Nr. 2025-117
Datum: 07.04.2025
Zahlbar bis: 07.05.2025

Buchhaltung Q1 2025                                        1 × CHF 2'400.00    CHF 2'400.00
Lohnabrechnungen (12 Mitarbeitende x 3 Monate)            36 × CHF 18.50       CHF 666.00

Zwischentotal                                                                  CHF 3'066.00
MWST 8.1 %                                                                       CHF 248.35
Total                                                                          CHF 3'314.35`,
    reference: inv004,
    answers: { small: [pretty(inv004)] },
  },
  {
    id: 'inv-005',
    document: `KESTREL LOGISTICS INC.
MC# 884120 · 2200 W Fulton St, Chicago, IL 60612

Invoice: KL-559031           Invoice date: 03/14/2025           Terms: Net 15
Shipper ref: PO 77120        Load: FTL Chicago, IL → Columbus, OH, delivered 03/11/2025

Line haul                                                        $1,850.00
Fuel surcharge (18%)                                               $333.00
Liftgate delivery                                                   $95.00
Detention, 2 h @ $75.00/h                                          $150.00

Amount due                                                       $2,428.00
Remit by 03/29/2025. No sales tax applies to interstate freight.`,
    reference: inv005,
    answers: {
      // A trailing comma after the last line item: not JSON. The parser's message goes back as feedback.
      small: [pretty(inv005).replace('"amount": 150\n    }\n  ]', '"amount": 150\n    },\n  ]'), compact(inv005)],
    },
  },
  {
    id: 'inv-006',
    document: `Studio Marée — design graphique
14 quai de la Fosse, 44000 Nantes · SIRET 812 334 501 00027

FACTURE n° SM-25-044
Date : 18/03/2025 — Échéance : 17/04/2025

Conception graphique – identité visuelle           1 × 2 800,00 €      2 800,00 €
Déclinaison cartes de visite (2 modèles)           2 × 150,00 €          300,00 €

Total HT                                                              3 100,00 €
TVA 20 %                                                                620,00 €
Total TTC                                                             3 720,00 €`,
    reference: inv006,
    answers: { small: [compact(inv006)] },
  },
  {
    id: 'inv-007',
    document: `Vértice Consultores S.L. — CIF B-87654321
Calle de Alcalá 155, 28009 Madrid

FACTURA V-2025-0098
Fecha: 2025-03-20          Vencimiento: 2025-04-19
Cliente: Grupo Almenara S.A.

Auditoría de procesos (paquete)                    1      3.200,00 €     3.200,00 €
Formación equipo (8 personas)                      8        120,00 €       960,00 €
Descuento cliente recurrente 5%                                          -208,00 €

Base imponible                                                         3.952,00 €
IVA 21%                                                                  829,92 €
TOTAL                                                                  4.781,92 €`,
    reference: inv007,
    answers: {
      small: [
        // The discount line is dropped: the amounts no longer make the total.
        compact(edit(inv007, { lineItems: inv007.lineItems.slice(0, 2) })),
        // After the feedback it adds the discount back, but as a positive amount.
        compact(
          edit(inv007, {
            lineItems: [
              ...inv007.lineItems.slice(0, 2),
              { description: 'Descuento cliente recurrente 5%', quantity: 1, unitPrice: 208, amount: 208 },
            ],
          }),
        ),
      ],
      medium: [pretty(inv007)],
    },
  },
  {
    id: 'inv-008',
    document: `Pinecrest Dental Supply · 90 Industrial Pkwy, Denver, CO 80216
Invoice PDS-20417 · Invoice date 2025-03-21 · Due 2025-04-20
Ship to: Sunrise Family Dentistry

10  Nitrile gloves, size M, box of 200        @ 17.90     179.00
 2  Prophy paste, mint, 200 cups              @ 42.00      84.00
                                         Subtotal         263.00
                                         Tax 6.0%          15.78
                                         Invoice total    278.78 USD`,
    reference: inv008,
    answers: { small: [compact(inv008)] },
  },
  {
    id: 'inv-009',
    document: `Maison Lefèvre — traiteur
3 rue des Carmes, 69002 Lyon

Facture ML-0312 du 12/03/2025
À régler avant le 11/04/2025

Traiteur – cocktail 40 personnes          40 × 32,00 €      1 280,00 €
Service (2 serveurs, 4 h)                  8 × 35,00 €        280,00 €

Total HT                                                     1 560,00 €
TVA 10 %                                                       156,00 €
Net à payer                                                  1 716,00 €`,
    reference: inv009,
    answers: {
      // The dates are copied as printed (day first): both fail the schema's date format.
      small: [compact(edit(inv009, { issueDate: '12/03/2025', dueDate: '11/04/2025' })), compact(inv009)],
    },
  },
  {
    id: 'inv-010',
    document: `HOKUTO TRADING CO., LTD.
2-14-3 Kuramae, Taito-ku, Tokyo 111-0051

INV0ICE No. HT-7781
Date: 2025/03/25            Payment due: 2025/04/24
Consignee: Matcha & Co., 800 Valencia St, San Francisco, CA

Ceramic tea bowls (matcha), hand-glazed     24 pcs   US$38.50     US$924.00
Bamboo whisks (chasen), 100 tines           24 pcs   US$12.75     US$306.00
Cast iron kettle 1.2 L                       6 pcs   US$1O8.00    US$648.0O
Freight (EMS)                                                     US$180.00

TOTAL  US$2,058.00   (export sale, no consumption tax)`,
    reference: inv010,
    answers: {
      small: [
        // The total is copied as printed, a string with its currency.
        compact(edit(inv010, { total: 'US$2,058.00' })),
        // The repair fixes the total but keeps the OCR'd price as a string.
        compact(
          edit(inv010, {
            lineItems: inv010.lineItems.map((item, index) => (index === 2 ? { ...item, unitPrice: '1O8.00' } : item)),
          }),
        ),
      ],
      medium: [
        // Reads "1O8.00" as 10.80 and "648.0O" as 64.80: valid JSON, wrong arithmetic.
        pretty(
          edit(inv010, {
            lineItems: inv010.lineItems.map((item, index) =>
              index === 2 ? { ...item, unitPrice: 10.8, amount: 64.8 } : item,
            ),
          }),
        ),
        // After the feedback it fixes the kettles but drops the freight line.
        pretty(edit(inv010, { lineItems: inv010.lineItems.slice(0, 3) })),
      ],
      claude: [compact(inv010)],
    },
  },
  {
    id: 'inv-011',
    document: `Greenleaf Office Supplies Ltd
Unit 4, Riverside Park, Leeds LS10 1AB · VAT No. GB 204 9981 33

INVOICE GL-104233                    Tax point / date: 2 April 2025
Account: Northgate Architects        Due date: 2 May 2025

A4 copier paper, 80gsm, box of 5 reams      12    £21.99    £263.88
Toner cartridge HP 59A                        2    £89.50    £179.00
                                                  Net        £442.88
                                                  VAT 20%     £88.58
                                                  Total      £531.46`,
    reference: inv011,
    answers: { small: [fenced(inv011)] },
  },
  {
    id: 'inv-012',
    document: `Brightwave Media GmbH · Schanzenstraße 7 · 51063 Köln
Rechnungsnr.: BW-2025-031 · Datum: 31.03.2025 · Fällig: 14.04.2025
Seite 1/2

Social-Media-Kampagne März (Konzeption)          1 × 1.500,00 €     1.500,00 €
Content-Produktion, 12 Posts                     12 × 85,00 €       1.020,00 €
                                            Zwischensumme Seite 1   2.520,00 €
Seite 2/2
Anzeigenbudget (durchlaufender Posten, ohne USt)                    2.000,00 €

Summe netto                                                         4.520,00 €
USt 19 % auf 2.520,00 €                                               478,80 €
Gesamtbetrag                                                        4.998,80 €`,
    reference: inv012,
    answers: {
      small: [
        // A field the schema does not allow.
        compact({ ...inv012, subtotal: 4520 }),
        // The repair drops it, but the pass-through budget line loses its quantity.
        compact(
          edit(inv012, {
            lineItems: inv012.lineItems.map((item, index) =>
              index === 2 ? { description: item.description, unitPrice: 2000, amount: 2000 } : item,
            ),
          }),
        ),
      ],
      medium: [compact(inv012)],
    },
  },
  {
    id: 'inv-013',
    document: `Tallis Audio Sàrl — Rue de Genève 88, 1004 Lausanne
Facture TA-2025-19 · 03.04.2025 · payable à 30 jours (03.05.2025)

Location studio, 2 jours        2 × CHF 650.00      CHF 1'300.00
Mastering, 10 titres           10 × CHF 45.00         CHF 450.00
Sous-total                                          CHF 1'750.00
TVA 8.1 %                                             CHF 141.75
Total                                               CHF 1'891.75`,
    reference: inv013,
    answers: { small: [compact(inv013)] },
  },
  {
    id: 'inv-014',
    document: `OAKRIDGE LANDSCAPING LLC
1770 Ridge Rd, Asheville, NC 28806

Invoice OL-3307                Date: April 4, 2025
Customer: Pisgah View HOA      Payment due: April 18, 2025

Spring cleanup (crew of 3, 6 h)            18 hrs × $55.00      $990.00
Mulch, double-shredded                      8 cu yd × $42.00     $336.00
Subtotal                                                       $1,326.00
NC sales tax 7%                                                   $92.82
Total                                                          $1,418.82`,
    reference: inv014,
    answers: {
      // Tax left at 0 while the total includes it; the feedback's figures point at the gap.
      small: [compact(edit(inv014, { tax: 0 })), compact(inv014)],
    },
  },
  {
    id: 'inv-015',
    document: `Fjordline Marine Services AS · Bryggen 19, 5003 Bergen, Norway · Org.nr 918 442 117 MVA

INVOICE FM-2025-0211
Invoice date: 2025-03-27 · Due: 2025-04-10 · Vessel: S/Y Nordstjerne (42 ft)

Hull cleaning, 42 ft vessel                 1 × 1,260.00     1,260.00
Antifouling paint, 2.5 L                    4 ×    96.00       384.00
Zinc anode, 12" shaft                       2 ×    45.00        90.00
Labour                                     14 h ×  68.00       952.00
Subtotal                                                     2,686.00
VAT 25%                                                        671.50
Invoice total                                                3,357.50
Less deposit received 2025-02-28                            -1,000.00
AMOUNT DUE (EUR)                                             2,357.50`,
    reference: inv015,
    answers: {
      small: [
        // A comment inside the JSON: not JSON.
        pretty(edit(inv015, { lineItems: inv015.lineItems.slice(0, 4) })).replace(
          '  "tax": 671.5,',
          '  // the deposit is not part of the invoice\n  "tax": 671.5,',
        ),
        // Valid JSON now, with the amount due as total but no deposit line to account for it.
        compact(edit(inv015, { lineItems: inv015.lineItems.slice(0, 4) })),
      ],
      medium: [
        // Deposit included, but the VAT recomputed on the amount after the deposit.
        pretty(edit(inv015, { tax: 421.5 })),
        // After the feedback: the deposit as a positive amount.
        pretty(
          edit(inv015, {
            lineItems: inv015.lineItems.map((item, index) =>
              index === 4 ? { ...item, unitPrice: 1000, amount: 1000 } : item,
            ),
          }),
        ),
      ],
      claude: [pretty(inv015)],
    },
  },
  {
    id: 'inv-016',
    document: `Copperfield Print Shop — 55 Main St, Fort Collins, CO 80524
INVOICE #CPS-11872     04/08/2025     Due: 05/08/2025

QTY  DESCRIPTION                               EACH      TOTAL
4    Business cards, 16pt matte, 500          39.00     156.00
1    Tri-fold brochures, 1,000               289.00     289.00
                                   SUBTOTAL             445.00
                                   TAX 8.25%             36.71
                                   BALANCE DUE ($)      481.71`,
    reference: inv016,
    answers: { small: [compact(inv016)] },
  },
  {
    id: 'inv-017',
    document: `Rheinwerk Industriebedarf GmbH · Industriestraße 5 · 68169 Mannheim
LIEFERSCHEIN / DELIVERY NOTE LS-44817
Datum: 09.04.2025 · Ihre Bestellung 4500-2231 vom 01.04.2025

Pos  Artikel                                   Menge
1    Sechskantschrauben M8x40, verzinkt          500 St.
2    Sechskantmuttern M8                          500 St.
3    Unterlegscheiben 8,4 mm                     1000 St.

Ware erhalten: ____________________
Die Rechnung folgt separat.`,
    reference: null,
    answers: {
      small: [compact(deliveryNote), compact(deliveryNote)],
      medium: [pretty(notAnInvoice), pretty(notAnInvoice)],
      claude: [compact(notAnInvoice)],
    },
  },
];
