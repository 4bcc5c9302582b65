-- HTTP API idempotency: a request claims (principal, key) with one INSERT before it does any work;
-- the id it will store its message under is reserved in the same row, so a claim left behind by a
-- crashed instance can be told apart from a message that was committed but never recorded here.
ALTER TABLE idempotency_key ADD COLUMN reserved_message_id uuid;

-- Expired keys are deleted in the background by time.
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
