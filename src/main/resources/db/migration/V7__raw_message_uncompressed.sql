-- Message bytes are stored out of line but not compressed. pglz runs inside the backend that commits
-- the message, on the path of every acceptance: on the SMTP bench's 100 KB text it was 12% of the
-- machine's CPU, and accepting was about 10% slower than with this setting. Real mail is mostly base64
-- and already-compressed attachments, where pglz gains little. (Rows written before keep theirs.)
ALTER TABLE message ALTER COLUMN raw SET STORAGE EXTERNAL;
