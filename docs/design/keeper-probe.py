# Probe: 3 writers of 64 KiB chunks into one SQLite WAL db. direct = 3 processes each committing
# its own ~2 MiB batches (busy handler, or a blocking flock around each transaction);
# daemon = 3 producers stream over unix sockets to one process that commits all of them.
import os, sys, sqlite3, time, socket, fcntl, multiprocessing as mp
MB = 1 << 20; CH = 64 * 1024; BATCH = 32
def opendb(p):
    c = sqlite3.connect(p, isolation_level=None, timeout=30)
    c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA synchronous=NORMAL"); c.execute("PRAGMA page_size=65536")
    return c
def init(p):
    c = opendb(p); c.execute("CREATE TABLE IF NOT EXISTS o(s TEXT, seq INT, data BLOB, PRIMARY KEY(s,seq))"); c.close()
def direct(p, sid, total, lockpath):
    c = opendb(p); data = os.urandom(CH); seq = 0; lf = open(lockpath, 'w') if lockpath else None
    while seq * CH < total:
        if lf: fcntl.flock(lf, fcntl.LOCK_EX)
        c.execute("BEGIN IMMEDIATE")
        for _ in range(BATCH):
            seq += 1; c.execute("INSERT INTO o VALUES(?,?,?)", (sid, seq, data))
        c.execute("COMMIT")
        if lf: fcntl.flock(lf, fcntl.LOCK_UN)
def producer(sock, total):
    s = socket.socket(socket.AF_UNIX); s.connect(sock); data = os.urandom(CH); n = 0
    while n < total: s.sendall(data); n += CH
    s.close()
def daemon(p, sock, total, n):
    c = opendb(p); srv = socket.socket(socket.AF_UNIX); srv.bind(sock); srv.listen(3)
    conns = []; 
    ps = [mp.Process(target=producer, args=(sock, total)) for _ in range(n)]; [x.start() for x in ps]
    conns = [srv.accept()[0] for _ in range(n)]
    import selectors; sel = selectors.DefaultSelector(); seqs = {}; bufs = []
    for i, k in enumerate(conns): sel.register(k, selectors.EVENT_READ, i)
    open_ = n; pend = 0
    while open_:
        for key, _ in sel.select():
            d = key.fileobj.recv(CH)
            if not d: sel.unregister(key.fileobj); open_ -= 1; continue
            i = key.data; seqs[i] = seqs.get(i, 0) + 1; bufs.append((str(i), seqs[i], d)); pend += len(d)
        if pend >= BATCH * CH or not open_:
            c.execute("BEGIN IMMEDIATE"); c.executemany("INSERT INTO o VALUES(?,?,?)", bufs); c.execute("COMMIT"); bufs = []; pend = 0
    [x.join() for x in ps]
if __name__ == '__main__':
    mode, total = sys.argv[1], int(sys.argv[2]) * MB
    d = f"/tmp/kprobe/{mode}"; os.system(f"rm -rf {d}; mkdir -p {d}"); p = d + "/h.db"; init(p)
    t = time.time()
    if mode == 'daemon':
        daemon(p, d + "/s", total, 3)
    else:
        lock = d + "/write.lock" if mode == 'flock' else None
        ps = [mp.Process(target=direct, args=(p, str(i), total, lock)) for i in range(3)]; [x.start() for x in ps]; [x.join() for x in ps]
    dt = time.time() - t
    print(f"{mode}: 3 x {total//MB} MiB in {dt:.2f}s = {3*total/MB/dt:.0f} MiB/s")
