"""Mail: the outbox, its delivery, and the message builders."""
