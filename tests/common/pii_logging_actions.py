"""An action package for tests/common/test_log_masking.py: it logs contact details on import."""
import logging

logging.getLogger(__name__).warning("customer %s on %s asked about BM-100001",
                                    "alice.martin@example.com", "+33639981234")
