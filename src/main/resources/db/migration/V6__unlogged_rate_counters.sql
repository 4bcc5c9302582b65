-- Every accepted message of a principal increments the same counter row, so its row lock is held until
-- COMMIT. For a WAL-logged table that COMMIT waits for a WAL flush, and all of one principal's
-- submissions queue behind each other's fsync. Counters may be lost in a crash (the window restarts at
-- zero, which errs on the side of the sender for at most one window) and are not replicated to a
-- standby; messages and audit rows stay fully durable.
ALTER TABLE policy_rate_counter SET UNLOGGED;
