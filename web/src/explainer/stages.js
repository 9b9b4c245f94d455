// The nine stages of the step-through: ids, the pickers each needs, their strings, and the
// token a per-token view shows. A leaf module: the shell, the views and main.js all read it.

export const STAGES = [
  { id: 'tokens', pick: [] },
  { id: 'embedding', pick: [] },
  { id: 'blocks', pick: ['layer', 'pos'] },
  { id: 'qkv', pick: ['layer', 'head'] },
  { id: 'attention', pick: ['layer', 'head'] },
  { id: 'attn_output', pick: ['layer', 'pos'] },
  { id: 'mlp', pick: ['layer', 'pos'] },
  { id: 'norm', pick: ['layer', 'pos'] },
  { id: 'output', pick: ['pos'] },
];

// The strings of each stage: tab, heading, introduction, explanation (spelled out so the
// strings test sees every key).
const TEXT = {
  tokens: (t) => [t('stage_tokens'), t('stage_tokens_title'), t('stage_tokens_intro'), t('explain_tokens')],
  embedding: (t) => [
    t('stage_embedding'),
    t('stage_embedding_title'),
    t('stage_embedding_intro'),
    t('explain_embedding'),
  ],
  blocks: (t) => [t('stage_blocks'), t('stage_blocks_title'), t('stage_blocks_intro'), t('explain_blocks')],
  qkv: (t) => [t('stage_qkv'), t('stage_qkv_title'), t('stage_qkv_intro'), t('explain_qkv')],
  attention: (t) => [
    t('stage_attention'),
    t('stage_attention_title'),
    t('stage_attention_intro'),
    t('explain_attention'),
  ],
  attn_output: (t) => [
    t('stage_attn_output'),
    t('stage_attn_output_title'),
    t('stage_attn_output_intro'),
    t('explain_attn_output'),
  ],
  mlp: (t) => [t('stage_mlp'), t('stage_mlp_title'), t('stage_mlp_intro'), t('explain_mlp')],
  norm: (t) => [t('stage_norm'), t('stage_norm_title'), t('stage_norm_intro'), t('explain_norm')],
  output: (t) => [t('stage_output'), t('stage_output_title'), t('stage_output_intro'), t('explain_output')],
};
export const stageText = (id, t) => {
  const [tab, title, intro, explain] = TEXT[id](t);
  return { tab, title, intro, explain };
};

// The token a per-token view shows: the chosen one, else the last (the one predicting next).
export const posOf = (s) => {
  const T = s.trace?.ids.length ?? 0;
  return s.sel.pos !== null && s.sel.pos < T ? s.sel.pos : Math.max(0, T - 1);
};
