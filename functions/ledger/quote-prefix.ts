/**
 * Teaches exceljs 4.4.0 the cell style `quotePrefix` (ECMA-376 §18.8.45, `<xf quotePrefix="1">`),
 * which it neither writes nor reads. With it, text such as "=SUM(A1:A3)" stays text after a user
 * edits the cell in Excel or WPS (a plain string cell is only text until it is edited).
 *
 * A style object with `quotePrefix: true` is carried through StylesXform.addStyleModel to the `xf`
 * it writes. exceljs is pinned (package.json) and tests/unit/ledger-workbook.test.ts reads the
 * attribute back from the file, so a change of these internals fails a test rather than silently.
 */
// Static imports of the very files exceljs requires, so a bundler keeps one copy of each.
import StylesXformModule from 'exceljs/lib/xlsx/xform/style/styles-xform.js';
import StyleXformModule from 'exceljs/lib/xlsx/xform/style/style-xform.js';

interface XmlStream {
  addAttribute(name: string, value: string): void;
}
type StyleModel = Record<string, unknown> & { quotePrefix?: boolean };
interface StylesXformProto {
  addStyleModel(model: StyleModel | undefined, cellType?: unknown): number;
  _addStyle(style: StyleModel): number;
  __quote?: boolean;
}
interface StyleXformProto {
  render(xmlStream: XmlStream & { openNode: (...a: unknown[]) => void }, model: StyleModel): void;
}

let installed = false;

/** Installs the patch once per process; harmless to call again. */
export function installQuotePrefix(): void {
  if (installed) return;
  installed = true;
  const StylesXform = StylesXformModule as unknown as { prototype: StylesXformProto };
  const StyleXform = StyleXformModule as unknown as { prototype: StyleXformProto };
  const styles = StylesXform.prototype;
  const addStyleModel = styles.addStyleModel;
  const addStyle = styles._addStyle;
  if (typeof addStyleModel !== 'function' || typeof addStyle !== 'function' || typeof StyleXform.prototype.render !== 'function')
    throw new Error('exceljs internals changed: no StylesXform.addStyleModel/_addStyle (pinned to exceljs 4.4.0)');
  styles.addStyleModel = function (model, cellType) {
    this.__quote = model?.quotePrefix === true;
    try {
      return addStyleModel.call(this, model, cellType);
    } finally {
      this.__quote = false;
    }
  };
  styles._addStyle = function (style) {
    return addStyle.call(this, this.__quote ? { ...style, quotePrefix: true } : style);
  };
  const render = StyleXform.prototype.render;
  StyleXform.prototype.render = function (xmlStream, model) {
    if (!model?.quotePrefix) return render.call(this, xmlStream, model);
    // The attribute must be added while the xf node is still open: right after openNode.
    const open = xmlStream.openNode;
    const own = Object.prototype.hasOwnProperty.call(xmlStream, 'openNode');
    const restore = () => {
      if (own) xmlStream.openNode = open;
      else delete (xmlStream as Partial<typeof xmlStream>).openNode;
    };
    xmlStream.openNode = function (...args: unknown[]) {
      open.apply(this, args);
      restore();
      this.addAttribute('quotePrefix', '1');
    };
    try {
      render.call(this, xmlStream, model);
    } finally {
      restore();
    }
  };
}
