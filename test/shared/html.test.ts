import { describe, expect, test } from "vitest";
import { escapeHtml, html, trustedHtml } from "../../src/shared/html.js";

describe("html template", () => {
  test("escapes interpolated tenant data", () => {
    const name = `<img src=x onerror="alert('x')">`;
    const out = html`<td title="${name}">${name}</td>`.value;
    expect(out).not.toContain("<img");
    expect(out).toBe(
      '<td title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;</td>',
    );
  });

  test("nests safe fragments without double escaping and flattens arrays", () => {
    const rows = ["a&b", "<c>"].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${rows}</ul>`.value).toBe("<ul><li>a&amp;b</li><li>&lt;c&gt;</li></ul>");
  });

  test("drops null, undefined and false; keeps numbers and trusted markup", () => {
    expect(html`${null}${undefined}${false}${0}${trustedHtml("<b>x</b>")}`.value).toBe("0<b>x</b>");
    expect(escapeHtml("`")).toBe("&#96;");
  });
});
