/**
 * Account administration: the suspension time, and the index the admin list pages by (newest
 * first). accounts is WITHOUT ROWID keyed by id, so the index holds (created_at, id).
 */
export const sql = `
ALTER TABLE accounts ADD COLUMN suspended_at INTEGER;
CREATE INDEX accounts_created ON accounts (created_at);
`;
