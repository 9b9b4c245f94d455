// The formula of each stage as MathML (rendered by the browser itself: no fonts or scripts
// from elsewhere). Formulas are the same in both languages; the prose around them is in
// strings.toml.

const mi = (x) => `<mi>${x}</mi>`;
const mo = (x) => `<mo>${x}</mo>`;
const sub = (b, s) => `<msub>${b}${s}</msub>`;
const sup = (b, s) => `<msup>${b}${s}</msup>`;
const row = (...xs) => `<mrow>${xs.join('')}</mrow>`;
const math = (...xs) => `<math display="block">${row(...xs)}</math>`;
// a formula too wide for the side panel (18rem) or a phone, as lines (MathML does not wrap)
const lines = (...ls) => ls.map((l) => math(...l)).join('');
const text = (x) => `<mtext>${x}</mtext>`;
const LN = (n, x) => row(sub(mi('LN'), `<mn>${n}</mn>`), mo('('), x, mo(')'));

const x = mi('x');
const ln1x = LN(1, x);

export const FORMULAS = {
  tokens: math(mi('ids'), mo('='), text('BPE'), mo('('), text('UTF-8'), mo('('), mi('text'), mo(')'), mo(')')),
  embedding: math(
    sub(x, mi('t')),
    mo('='),
    sub(mi('W'), text('te')),
    mo('['),
    sub(mi('id'), mi('t')),
    mo(']'),
    mo('+'),
    sub(mi('W'), text('pe')),
    mo('['),
    mi('t'),
    mo(']'),
  ),
  blocks: lines(
    [sup(x, mo('′')), mo('='), x, mo('+'), text('Attn'), mo('('), ln1x, mo(')'), mo(',')],
    [sup(x, mo('″')), mo('='), sup(x, mo('′')), mo('+'), text('MLP'), mo('('), LN(2, sup(x, mo('′'))), mo(')')],
  ),
  qkv: math(
    mo('['),
    mi('Q'),
    mo(','),
    mi('K'),
    mo(','),
    mi('V'),
    mo(']'),
    mo('='),
    ln1x,
    sub(mi('W'), text('attn')),
    mo('+'),
    sub(mi('b'), text('attn')),
  ),
  attention: lines(
    [text('Attn'), mo('('), mi('Q'), mo(','), mi('K'), mo(','), mi('V'), mo(')'), mo('=')],
    [
      mspace(),
      text('softmax'),
      mo('('),
      `<mfrac>${row(mi('Q'), sup(mi('K'), mi('T')))}<msqrt>${sub(mi('d'), text('head'))}</msqrt></mfrac>`,
      mo('+'),
      mi('M'),
      mo(')'),
      mi('V'),
    ],
  ),
  attn_output: lines(
    [
      mi('a'),
      mo('='),
      text('Concat'),
      mo('('),
      sub(mi('h'), '<mn>1</mn>'),
      mo(','),
      mo('…'),
      mo(','),
      sub(mi('h'), mi('H')),
      mo(')'),
      sub(mi('W'), mi('O')),
      mo('+'),
      sub(mi('b'), mi('O')),
      mo(','),
    ],
    [sup(x, mo('′')), mo('='), x, mo('+'), mi('a')],
  ),
  mlp: math(
    text('MLP'),
    mo('('),
    mi('u'),
    mo(')'),
    mo('='),
    text('GELU'),
    mo('('),
    mi('u'),
    sub(mi('W'), '<mn>1</mn>'),
    mo('+'),
    sub(mi('b'), '<mn>1</mn>'),
    mo(')'),
    sub(mi('W'), '<mn>2</mn>'),
    mo('+'),
    sub(mi('b'), '<mn>2</mn>'),
  ),
  norm: math(
    text('LN'),
    mo('('),
    x,
    mo(')'),
    mo('='),
    mi('γ'),
    mo('⊙'),
    `<mfrac>${row(x, mo('−'), mi('μ'))}<msqrt>${row(sup(mi('σ'), '<mn>2</mn>'), mo('+'), mi('ε'))}</msqrt></mfrac>`,
    mo('+'),
    mi('β'),
  ),
  output: math(
    mi('p'),
    mo('='),
    text('softmax'),
    mo('('),
    sub(text('LN'), mi('f')),
    mo('('),
    x,
    mo(')'),
    sup(sub(mi('W'), text('te')), mi('T')),
    mo(')'),
  ),
};

function mspace() {
  return '<mspace width="1em"/>';
}
