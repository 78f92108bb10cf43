/** Every replay made through the admin API, with who asked and why: integrations' audit of replays. */
export const PARTNER_REPLAYS_TABLE = 'integrations_partner_replays';
