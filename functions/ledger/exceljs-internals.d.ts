// exceljs's style writers, patched by quote-prefix.ts; exceljs ships no types for its internals.
declare module 'exceljs/lib/xlsx/xform/style/styles-xform.js' {
  const StylesXform: unknown;
  export default StylesXform;
}
declare module 'exceljs/lib/xlsx/xform/style/style-xform.js' {
  const StyleXform: unknown;
  export default StyleXform;
}
