import { ratio, type StatDef } from './statistic.js';

export const R_DST_SRC_PORT: StatDef = {
  name: 'R_DST_SRC_PORT',
  description: 'distinct TCP destination ports per distinct TCP source port',
  formula: 'NB_UNIQ_DST_PORT / NB_UNIQ_SRC_PORT',
  requires: ['NB_UNIQ_DST_PORT', 'NB_UNIQ_SRC_PORT'],
  compute: (c) => ratio(c.NB_UNIQ_DST_PORT, c.NB_UNIQ_SRC_PORT),
};
