-- Delivery status notifications (RFC 3464) are messages mailgate writes itself: their door is 'dsn'.
ALTER TABLE message DROP CONSTRAINT IF EXISTS message_door_check;
ALTER TABLE message ADD CONSTRAINT message_door_check CHECK (door IN ('587', '465', 'api', 'dsn'));

-- Which worker pool (instance) made an attempt: operators see who delivered what.
ALTER TABLE delivery_attempt ADD COLUMN worker text;

-- When the sender was told that delivery to this recipient is delayed (one "delayed" DSN at most).
ALTER TABLE recipient ADD COLUMN delay_notified_at timestamptz;
