import { defineIds } from '../kernel/ids.ts';

export const approvalIds = defineIds({ approval: 'apr' });
