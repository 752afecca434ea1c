"""运行服务单: the record of an on-site visit, written from a work order (§3.2 C, §6.3.3)."""
