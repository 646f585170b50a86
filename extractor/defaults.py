"""Defaults shared by the library and the command line, in a module that imports nothing,
so ``extract --help`` can show them without loading the library."""

LOCK_TIMEOUT = 30.0       # seconds a write waits for another writer (store.open_db)
CONNECT_TIMEOUT = 10.0    # seconds to open a connection to NCBI (fetch.Timeouts)
READ_TIMEOUT = 60.0       # longest wait for the next bytes of an answer
DEADLINE = 180.0          # a whole request, from sending it to the last byte of the body
LEASE_TIMEOUT = 60.0      # seconds of silence after which another baseline run takes over
HEARTBEAT = 5.0           # seconds between a baseline run's signs of life (at most)
