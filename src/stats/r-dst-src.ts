import { ratio, type StatDef } from './statistic.js';

export const R_DST_SRC: StatDef = {
  name: 'R_DST_SRC',
  description: 'distinct destination addresses per distinct source address',
  formula: 'NB_UNIQ_DST_ADDR / NB_UNIQ_SRC_ADDR',
  requires: ['NB_UNIQ_DST_ADDR', 'NB_UNIQ_SRC_ADDR'],
  compute: (c) => ratio(c.NB_UNIQ_DST_ADDR, c.NB_UNIQ_SRC_ADDR),
};
