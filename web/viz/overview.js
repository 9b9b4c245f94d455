// The whole forward pass on one screen, drawn from the current run: tokens → embedding →
// N blocks (LN, attention, +, LN, MLP, +) → final LN → logits → next-token probabilities.
// Every part is a button that opens its stage (ctx.stageIds: the explorer's stage ids); the
// diagram is one Tab stop (roving tabindex, arrow keys move). Hooks for the tests:
// data-part/data-layer on parts, data-attn-* on links, data-dla on attributions, data-token-id.

import { partList, selectionFor, strongestLinks, byPart, formatLogit } from './lib/overview-data.js';
import { formatProb, tokenDisplay } from './lib/scales.js';
import { sameIds } from '../src/ids.js';
import { tokenNames } from '../src/explainer/view.js';

const el = (doc, tag, cls, text) => {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

export function mount(host, { state, t, actions, stageIds }) {
  const doc = host.ownerDocument;
  const L = state.get().manifest.dims.layer;
  const root = el(doc, 'section', 'ov');
  root.id = 'overview';
  root.setAttribute('aria-labelledby', 'ov-h');
  const head = el(doc, 'div', 'ov-head');
  const h = el(doc, 'h3', 'txb-h', t('ov_heading'));
  h.id = 'ov-h';
  const predict = el(doc, 'p', 'ov-predict');
  predict.id = 'ov-predict';
  predict.setAttribute('aria-live', 'polite');
  const tools = el(doc, 'div', 'ov-tools'); // the tour's start button goes here
  head.append(h, tools);

  const flow = el(doc, 'div', 'ov-flow');
  flow.setAttribute('role', 'group');
  flow.setAttribute('aria-label', t('ov_keys'));
  const buttons = new Map();
  const parts = partList(L);
  const part = (p, cls, label) => {
    const b = el(doc, 'button', `ov-part ov-${p.part} ${cls || ''}`);
    b.type = 'button';
    b.id = `ov-${p.key}`;
    b.dataset.part = p.part;
    if (p.layer !== null) b.dataset.layer = String(p.layer);
    b.tabIndex = -1;
    b.append(el(doc, 'span', 'ov-name', label));
    buttons.set(p.key, { b, p });
    return b;
  };
  const arrow = () => el(doc, 'span', 'ov-arrow'); // ↓ or → (CSS, by layout)
  // (aria-hidden: the order of the buttons already says it)
  const byKey = Object.fromEntries(parts.map((p) => [p.key, p]));

  const inCol = el(doc, 'div', 'ov-col ov-in');
  const tokens = part(byKey.tokens, '', t('ov_tokens'));
  const tokenList = el(doc, 'span', 'ov-chips');
  // its name is what it shows (the word and the chips: voice control can "click Tokens"); the
  // count and what it opens are its description
  const tokensDesc = el(doc, 'span');
  tokensDesc.id = 'ov-tokens-desc';
  tokensDesc.hidden = true;
  tokens.setAttribute('aria-describedby', tokensDesc.id);
  tokens.append(tokenList);
  const embed = part(byKey.embed, 'ov-has-dla', t('ov_embed'));
  inCol.append(tokens, arrow(), embed);

  const blocks = el(doc, 'div', 'ov-blocks');
  // up to six blocks a row, rows of equal length
  blocks.style.setProperty('--ov-cols', String(Math.ceil(L / Math.ceil(L / 6))));
  for (let l = 0; l < L; l++) {
    const blk = el(doc, 'div', 'ov-block');
    blk.dataset.layer = String(l);
    blk.append(el(doc, 'span', 'ov-block-h', t('ov_block', { i: l + 1 })));
    const i = l + 1;
    for (const [a, mid, b, name, lnLabel, addLabel] of [
      ['ln1', 'attn', 'add1', t('ov_attn'), t('ov_ln1_label', { i }), t('ov_add1_label', { i })],
      ['ln2', 'mlp', 'add2', t('ov_mlp'), t('ov_ln2_label', { i }), t('ov_add2_label', { i })],
    ]) {
      const row = el(doc, 'div', 'ov-row');
      const ln = part(byKey[`${a}-${l}`], 'ov-small', t('ov_ln'));
      // the accessible name starts with the visible word (voice control: "click LN")
      ln.setAttribute('aria-label', `${t('ov_ln')} (${lnLabel})`);
      const main = part(byKey[`${mid}-${l}`], 'ov-has-dla', name);
      const add = part(byKey[`${b}-${l}`], 'ov-small', '+');
      add.setAttribute('aria-label', addLabel);
      row.append(ln, main, add);
      blk.append(row);
    }
    blocks.append(blk);
  }

  const outCol = el(doc, 'div', 'ov-col ov-out');
  const lnf = part(byKey.lnf, 'ov-has-dla', t('ov_lnf'));
  const logits = part(byKey.logits, '', t('ov_logits'));
  const probs = part(byKey.probs, '', t('ov_probs'));
  const probList = el(doc, 'ol', 'ov-top');
  probs.append(probList);
  outCol.append(lnf, arrow(), logits, arrow(), probs);
  flow.append(inCol, blocks, outCol);

  const caption = el(doc, 'p', 'txb-caption ov-caption');
  caption.setAttribute('aria-live', 'polite');
  root.append(predict, head, flow, caption, tokensDesc); // the prediction right under the prompt box
  host.append(root);

  // roving tabindex: the diagram is one Tab stop; arrows, Home and End move inside it
  let current = 'tokens';
  const focusKey = (key, focus = true) => {
    buttons.get(current).b.tabIndex = -1;
    current = key;
    const { b } = buttons.get(key);
    b.tabIndex = 0;
    if (focus) b.focus();
  };
  focusKey('tokens', false);
  const order = parts.map((p) => p.key);
  const onKey = (e) => {
    const i = order.indexOf(current);
    const to = {
      ArrowRight: i + 1,
      ArrowDown: i + 1,
      ArrowLeft: i - 1,
      ArrowUp: i - 1,
      Home: 0,
      End: order.length - 1,
    }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    focusKey(order[Math.max(0, Math.min(order.length - 1, to))]);
  };
  const onClick = (e) => {
    const b = e.target.closest('.ov-part');
    if (!b) return;
    const { p } = buttons.get(b.id.slice(3));
    focusKey(p.key, false);
    actions.select(selectionFor(p, stageIds, L));
    actions.openStage?.({ keyboard: e.detail === 0 });
  };
  // whichever part has the focus is the diagram's Tab stop
  const onFocus = (e) => {
    const b = e.target.closest?.('.ov-part');
    if (b && b.id.slice(3) !== current) focusKey(b.id.slice(3), false);
  };
  flow.addEventListener('keydown', onKey);
  flow.addEventListener('click', onClick);
  flow.addEventListener('focusin', onFocus);

  let drawn = {};
  function update(s) {
    const tr = s.trace;
    const T = tr?.ids.length ?? 0;
    const pos = s.sel.pos !== null && s.sel.pos < T ? s.sel.pos : Math.max(0, T - 1);
    if (tr !== drawn.tr || pos !== drawn.pos) drawTokens(tr, pos);
    if (tr !== drawn.tr || pos !== drawn.pos) drawLinks(tr, pos);
    if (s.top !== drawn.top || s.dla !== drawn.dla || s.ids !== drawn.ids) drawOut(s);
    if (s.sel !== drawn.sel) drawActive(s.sel);
    drawn = { tr, pos, top: s.top, dla: s.dla, sel: s.sel, ids: s.ids };
  }

  function drawTokens(tr, pos) {
    // a Korean character's byte tokens read "안 (1/2)", as the token chips do, not as hex
    const names = tokenNames(tr?.tokens ?? []);
    tokenList.replaceChildren(
      ...names.map((name, i) => el(doc, 'span', i === pos ? 'ov-chip ov-chip-sel' : 'ov-chip', name)),
    );
    tokensDesc.textContent = t('ov_tokens_label', { n: tr?.ids.length ?? 0 });
  }

  function drawLinks(tr, pos) {
    const links = tr?.tensors.attn_probs ? strongestLinks(tr.tensors.attn_probs, pos) : [];
    for (let l = 0; l < L; l++) {
      const { b } = buttons.get(`attn-${l}`);
      b.querySelector('.ov-link')?.remove();
      const k = links[l];
      if (!k) continue;
      const names = tokenNames(tr.tokens);
      const span = el(doc, 'span', 'ov-link', t('ov_link', { token: names[k.key], prob: formatProb(k.prob) }));
      Object.assign(span.dataset, {
        attnLayer: l,
        attnHead: k.head,
        attnKey: k.key,
        attnQuery: pos,
        attnProb: String(k.prob),
      });
      span.title = t('ov_link_title', { head: k.head + 1, from: names[pos], token: names[k.key] });
      b.append(span);
    }
  }

  // the bar is updated in place, so its width glides from one run to the next (CSS transition)
  function bar(b, v, max) {
    let w = b.querySelector('.ov-dla');
    if (v === null) return w?.remove();
    if (!w) {
      w = el(doc, 'span', 'ov-dla');
      w.append(el(doc, 'span', 'ov-dla-fill'), el(doc, 'span', 'ov-dla-num'));
      b.append(w);
    }
    w.dataset.dla = String(v);
    const [fill, num] = w.children;
    fill.className = v >= 0 ? 'ov-dla-fill ov-up' : 'ov-dla-fill ov-down';
    fill.style.setProperty('--w', `${Math.min(50, (50 * Math.abs(v)) / (max || 1))}%`);
    num.textContent = formatLogit(v);
  }

  function drawOut(s) {
    const rows = s.top.rows.slice(0, 3);
    probList.replaceChildren(
      ...rows.map((r) => {
        const li = el(doc, 'li', '', `${tokenDisplay(r)} ${formatProb(r.prob)}`);
        li.dataset.tokenId = String(r.id);
        li.dataset.prob = String(r.prob);
        return li;
      }),
    );
    probList.dataset.status = s.top.status;
    const best = s.top.rows[0];
    // an empty prompt has nothing to compute: say what to do, not "Computing…"
    const empty = s.ids?.length === 0;
    predict.textContent = empty
      ? t('prompt_empty')
      : best
        ? t('ov_predict', { token: tokenDisplay(best), prob: formatProb(best.prob) })
        : t('top_loading');
    const d = s.dla && s.dla.parts && sameIds(s.dla.ids, s.trace?.ids) ? byPart(s.dla) : null;
    const max = d
      ? Math.max(...d.layers.flatMap((x) => [Math.abs(x.attn), Math.abs(x.mlp)]), Math.abs(d.embed), Math.abs(d.bias))
      : 1;
    bar(embed, d ? d.embed : null, max);
    for (let l = 0; l < L; l++) {
      bar(buttons.get(`attn-${l}`).b, d ? d.layers[l].attn : null, max);
      bar(buttons.get(`mlp-${l}`).b, d ? d.layers[l].mlp : null, max);
    }
    bar(lnf, d ? d.bias : null, max);
    logits.querySelector('.ov-logit')?.remove();
    if (d) {
      const tok = s.trace.tokens && labelOf(s, d.token);
      const lg = el(doc, 'span', 'ov-logit', t('ov_logit', { token: tok, logit: plain(s.dla.logit) }));
      lg.dataset.logit = String(s.dla.logit);
      lg.dataset.tokenId = String(d.token);
      logits.append(lg);
      caption.textContent = t('ov_dla_caption', { token: tok, total: plain(d.total), logit: plain(s.dla.logit) });
    } else {
      caption.textContent = empty
        ? ''
        : s.dla?.kind === 'error'
          ? t('ov_dla_error', { error: s.dla.error })
          : t('ov_dla_pending');
    }
  }

  // the part(s) the explorer shows now
  function drawActive(sel) {
    for (const { b, p } of buttons.values()) {
      const want = selectionFor(p, stageIds, L);
      const on = want.stage === sel.stage && (want.layer === undefined || want.layer === sel.layer);
      b.classList.toggle('ov-current', on);
      if (on) b.setAttribute('aria-current', 'step');
      else b.removeAttribute('aria-current');
    }
  }

  const unsubscribe = state.subscribe(update);
  update(state.get());
  return {
    update,
    // the tour's spotlight: one part (or a whole block) by key, or null
    highlight(keys) {
      const on = new Set(keys || []);
      for (const [key, { b }] of buttons) b.classList.toggle('ov-hl', on.has(key));
      blocks
        .querySelectorAll('.ov-block')
        .forEach((blk) => blk.classList.toggle('ov-hl', on.has(`block-${blk.dataset.layer}`)));
    },
    tools,
    destroy() {
      unsubscribe();
      flow.removeEventListener('keydown', onKey);
      flow.removeEventListener('click', onClick);
      flow.removeEventListener('focusin', onFocus);
      root.remove();
    },
  };
}

const plain = (v) => formatLogit(v).replace('+', '');

function labelOf(s, id) {
  const r = s.top.rows.find((x) => x.id === id);
  return r ? tokenDisplay(r) : `#${id}`;
}
