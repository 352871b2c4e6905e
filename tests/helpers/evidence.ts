/** Files for the evidence tests: the committed real fixtures, an OFD built here, and the files that must be refused. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import yazl from 'yazl';
import type { EvidenceKind } from '../../functions/core/evidence/types.js';

export const FIXTURES = join(import.meta.dirname, '../fixtures/evidence');
export const fixture = (file: string) => readFileSync(join(FIXTURES, file));

/** A zip of the given entries, built in memory with yazl. */
export async function zipOf(entries: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, body] of Object.entries(entries)) zip.addBuffer(Buffer.from(body), name);
  zip.end();
  return buffer(zip.outputStream);
}

/** An OFD (GB/T 33190) container: OFD.xml at the root naming one document. */
export function ofdFile(): Promise<Buffer> {
  return zipOf({
    'OFD.xml':
      '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD">' +
      '<ofd:DocBody><ofd:DocInfo><ofd:DocID>0C1D4F7159954EEEDE517F7285E84DC4</ofd:DocID><ofd:Title>情况报告（示例）</ofd:Title></ofd:DocInfo>' +
      '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
    'Doc_0/Document.xml':
      '<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID>' +
      '<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages/></ofd:Document>',
  });
}

/** One good file of every accepted kind, with a Chinese name. */
export async function goodFiles(): Promise<{ kind: EvidenceKind; name: string; bytes: Buffer }[]> {
  return [
    { kind: 'jpeg', name: '学习现场照片.jpg', bytes: fixture('photo.jpg') },
    { kind: 'png', name: '签到表扫描件.png', bytes: fixture('photo.png') },
    { kind: 'webp', name: '会场.webp', bytes: fixture('photo.webp') },
    { kind: 'heic', name: 'IMG_0001.HEIC', bytes: fixture('photo.heic') },
    { kind: 'pdf', name: '会议纪要.pdf', bytes: fixture('minutes.pdf') },
    { kind: 'docx', name: '情况报告.docx', bytes: fixture('minutes.docx') },
    { kind: 'xlsx', name: '签到表.xlsx', bytes: fixture('sign-in.xlsx') },
    { kind: 'doc', name: '会议记录（旧版）.doc', bytes: fixture('minutes.doc') },
    { kind: 'xls', name: '签到表（旧版）.xls', bytes: fixture('sign-in.xls') },
    { kind: 'ofd', name: '上报材料.ofd', bytes: await ofdFile() },
  ];
}

export const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
/** The start of a Windows executable: the MZ header and a PE signature where it points. */
export const EXE = (() => {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
})();
