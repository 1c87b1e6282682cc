// The dashboard. No build step and no framework: the page must work offline from the files the
// server ships. Text from sessions is only ever set as textContent (never parsed as HTML).
'use strict';

(function () {
  const SLOTS = [1, 2, 3];
  const KEYS = { enter: '\r', up: '\x1b[A', down: '\x1b[B', tab: '\t', esc: '\x1b', 'ctrl-c': '\x03' };
  const encoder = new TextEncoder();

  // slot number -> { el, session, term, fit, decoder }
  const slots = {};
  // session id -> last seq shown (what a reconnect resumes after)
  const lastSeq = {};
  // For tests and for anyone curious: when each chunk reached the screen, against its commit time.
  const arrivals = [];
  let socket = null;
  let reconnectDelay = 250;

  function $(sel, root) { return (root || document).querySelector(sel); }

  function b64ToBytes(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function bytesToB64(bytes) {
    let bin = '';
    for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin);
  }

  function label(s) { return s.name || s.id; }

  function cost(s) {
    if (s.costUsd !== null && s.costUsd !== undefined) return '$' + s.costUsd.toFixed(4);
    return s.agent && s.agent !== 'generic' ? '$?' : '';
  }

  async function api(method, path, body) {
    const opts = { method, headers: {} };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(path, opts);
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((json.error && json.error.message) || res.status + ' ' + res.statusText);
    return json;
  }

  function sessionPath(id, action) {
    return '/api/sessions/' + encodeURIComponent(id) + (action ? '/' + action : '');
  }

  // ---- slots -------------------------------------------------------------------------------

  function buildSlots() {
    const tpl = $('#slot-template');
    for (const n of SLOTS) {
      const el = tpl.content.firstElementChild.cloneNode(true);
      el.id = 'slot-' + n;
      el.dataset.slot = n;
      $('.slot-no', el).textContent = 'slot ' + n;
      $('#slots').appendChild(el);
      slots[n] = { el, session: null, term: null, fit: null, decoder: null };
      $('.stop', el).onclick = () => act(n, 'stop', { force: false });
      $('.restart', el).onclick = () => act(n, 'restart', {});
      $('.fit', el).onclick = () => fit(n);
      $('form.input', el).onsubmit = (e) => {
        e.preventDefault();
        const input = $('.answer', el);
        sendText(n, input.value + enterFor(n));
        input.value = '';
      };
      for (const b of el.querySelectorAll('.keys button')) {
        b.onclick = () => sendText(n, KEYS[b.dataset.key]);
      }
      render(n);
    }
  }

  function enterFor(n) {
    const s = slots[n].session;
    return s && s.tty ? '\r' : '\n';
  }

  function render(n) {
    const slot = slots[n];
    const s = slot.session;
    const el = slot.el;
    el.classList.toggle('empty', !s);
    const status = $('.status', el);
    status.className = 'status ' + (s ? s.status : 'free');
    status.textContent = s ? s.status.replace('_', ' ') : 'free';
    $('.label', el).textContent = s ? label(s) : '';
    $('.label', el).title = s ? s.id + '\n' + s.command.join(' ') : '';
    $('.agent', el).textContent = s && s.agent ? s.agent : '';
    $('.cost', el).textContent = s ? cost(s) : '';
    $('.stop', el).disabled = !s || !s.active;
    $('.restart', el).disabled = !s || s.active;
    $('.fit', el).hidden = !s || !s.tty;
    $('form.input', el).hidden = !s || !s.active || !s.interactive;
    if (!s) {
      $('.term', el).hidden = true;
      const plain = $('.plain', el);
      plain.hidden = false;
      plain.textContent = 'free';
    }
    if (!s || s.status !== 'waiting_checkpoint') $('.checkpoint', el).hidden = true;
  }

  // A new session in a slot: a fresh terminal (or text pane), filled from seq 0 by the socket.
  function attach(n, s) {
    const slot = slots[n];
    if (slot.session && slot.session.id === s.id) {
      // Already shown (the live socket announced it before the request that made it answered):
      // clearing the view would lose the output already received, which is not sent again.
      sessionChanged(s);
      return;
    }
    if (slot.term) { slot.term.dispose(); slot.term = null; slot.fit = null; }
    const termEl = $('.term', slot.el);
    const plain = $('.plain', slot.el);
    termEl.innerHTML = '';
    plain.textContent = '';
    slot.session = s;
    slot.decoder = new TextDecoder('utf-8');
    if (s.tty) {
      termEl.hidden = false;
      plain.hidden = true;
      const term = new Terminal({ cols: s.cols || 100, rows: s.rows || 30, fontSize: 12, scrollback: 5000,
                                  convertEol: false, allowProposedApi: false });
      const fitAddon = new FitAddon.FitAddon();
      term.loadAddon(fitAddon);
      term.open(termEl);
      term.onData((data) => sendText(n, data));
      slot.term = term;
      slot.fit = fitAddon;
    } else {
      termEl.hidden = true;
      plain.hidden = false;
    }
    render(n);
    watch(s.id);
    if (s.status === 'waiting_checkpoint') checkpoint(n);
  }

  function slotOf(id) {
    for (const n of SLOTS) if (slots[n].session && slots[n].session.id === id) return n;
    return null;
  }

  function output(msg) {
    const n = slotOf(msg.session);
    const last = lastSeq[msg.session] || 0;
    if (n === null || msg.seq <= last) return;
    lastSeq[msg.session] = msg.seq;
    const slot = slots[n];
    const bytes = b64ToBytes(msg.data);
    const shown = () => {
      arrivals.push({ session: msg.session, slot: n, seq: msg.seq, ts: msg.ts, shownAt: Date.now(),
                      head: String.fromCharCode.apply(null, bytes.subarray(0, 40)) });
      if (arrivals.length > 2000) arrivals.splice(0, 1000);
    };
    if (slot.term) {
      slot.term.write(bytes, shown);
    } else {
      const plain = $('.plain', slot.el);
      const screen = $('.screen', slot.el);
      const atBottom = screen.scrollTop + screen.clientHeight >= screen.scrollHeight - 4;
      plain.textContent += slot.decoder.decode(bytes, { stream: true });
      if (plain.textContent.length > 400000) plain.textContent = plain.textContent.slice(-300000);
      if (atBottom) screen.scrollTop = screen.scrollHeight;
      shown();
    }
  }

  function sessionChanged(s) {
    let n = slotOf(s.id);
    if (n === null && s.active && s.slot) {
      n = s.slot;
      attach(n, s);
    } else if (n !== null) {
      const wasWaiting = slots[n].session.status === 'waiting_checkpoint';
      slots[n].session = s;
      render(n);
      if (s.status === 'waiting_checkpoint') checkpoint(n);
      else if (wasWaiting) $('.checkpoint', slots[n].el).hidden = true;
    }
    if (!s.active) scheduleRecent();
    else scheduleStats();
  }

  let statsTimer = null;
  function scheduleStats() {
    if (statsTimer) return;
    statsTimer = setTimeout(() => { statsTimer = null; stats(); }, 500);
  }

  // The question a waiting session shows, with a button per choice.
  async function checkpoint(n) {
    const s = slots[n].session;
    let screen;
    try {
      screen = await api('GET', sessionPath(s.id, 'screen'));
    } catch (e) {
      return;
    }
    if (!slots[n].session || slots[n].session.id !== s.id || slots[n].session.status !== 'waiting_checkpoint') return;
    const box = $('.checkpoint', slots[n].el);
    $('.question', box).textContent = screen.checkpoint || 'waiting for input';
    const choices = $('.choices', box);
    choices.innerHTML = '';
    for (const choice of screen.choices || []) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = choice;
      b.onclick = () => sendText(n, answerFor(choice) + enterFor(n));
      choices.appendChild(b);
    }
    box.hidden = false;
  }

  // "2. No" is answered by its number; "y" in "(y/n)" by itself; "Enter" by nothing but Enter.
  function answerFor(choice) {
    const m = /^(\d+)[.)]/.exec(choice);
    if (m) return m[1];
    if (choice === 'Enter') return '';
    return choice;
  }

  function sendText(n, text) {
    const s = slots[n].session;
    if (!s || !s.active || text == null) return;
    const data = bytesToB64(encoder.encode(text));
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'input', session: s.id, data }));
    } else {
      api('POST', sessionPath(s.id, 'send'), { base64: data }).catch((e) => showError(n, e));
    }
  }

  function fit(n) {
    const slot = slots[n];
    if (!slot.term || !slot.fit) return;
    const dims = slot.fit.proposeDimensions();
    if (!dims || !dims.cols || !dims.rows) return;
    slot.term.resize(dims.cols, dims.rows);
    api('POST', sessionPath(slot.session.id, 'resize'), { cols: dims.cols, rows: dims.rows })
      .catch((e) => showError(n, e));
  }

  async function act(n, action, body) {
    const s = slots[n].session;
    if (!s) return;
    showError(n, null);
    try {
      const result = await api('POST', sessionPath(s.id, action), body);
      if (action === 'restart' && result.slot) attach(result.slot, result);
      else sessionChanged(result);
    } catch (e) {
      showError(n, e);
    }
  }

  function showError(n, e) {
    $('.slot-error', slots[n].el).textContent = e ? String(e.message || e) : '';
  }

  // ---- the live socket -------------------------------------------------------------------

  function watch(id) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'watch', session: id, after: lastSeq[id] || 0 }));
    }
  }

  function connect() {
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    socket = ws;
    ws.onopen = async () => {
      reconnectDelay = 250;
      setLink(true);
      // Output resumes from lastSeq; then states are read again, since they may have changed while
      // the page was disconnected (a session new since then is watched when it is attached).
      for (const n of SLOTS) if (slots[n].session && slots[n].session.active) watch(slots[n].session.id);
      await refresh();
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.type === 'output') output(msg);
      else if (msg.type === 'session') sessionChanged(msg.session);
      else if (msg.type === 'error') {
        const n = msg.session ? slotOf(msg.session) : null;
        if (n !== null) showError(n, msg.message);
      }
    };
    ws.onclose = () => {
      setLink(false);
      if (socket === ws) {
        setTimeout(connect, reconnectDelay);
        reconnectDelay = Math.min(reconnectDelay * 2, 5000);
      }
    };
  }

  function setLink(up) {
    const el = $('#link');
    el.className = 'link ' + (up ? 'up' : 'down');
    el.textContent = up ? 'live' : 'reconnecting…';
  }

  // ---- lists -----------------------------------------------------------------------------

  async function refresh() {
    let data;
    try {
      data = await api('GET', '/api/sessions');
    } catch (e) {
      return;
    }
    for (const s of data.active) {
      if (!s.slot) continue;
      const cur = slots[s.slot].session;
      if (!cur || cur.id !== s.id) attach(s.slot, s);
      else sessionChanged(s);
    }
    for (const n of SLOTS) {
      const cur = slots[n].session;
      if (cur && cur.active && !data.active.some((s) => s.id === cur.id)) {
        const ended = data.recent.find((s) => s.id === cur.id);
        if (ended) sessionChanged(ended);
      }
    }
    renderRecent(data.recent);
    stats();
  }

  let recentTimer = null;
  function scheduleRecent() {
    if (recentTimer) return;
    recentTimer = setTimeout(() => { recentTimer = null; refresh(); }, 300);
  }

  function renderRecent(list) {
    const body = $('#recent tbody');
    body.innerHTML = '';
    for (const s of list) {
      const tr = document.createElement('tr');
      const cells = [label(s), s.status, s.exitCode === null ? '' : String(s.exitCode), s.agent || '', cost(s),
                     s.endedAt ? new Date(s.endedAt).toLocaleTimeString() : '', s.command.join(' ')];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (i === 6) { td.className = 'command'; td.title = text; }
        tr.appendChild(td);
      });
      const td = document.createElement('td');
      const view = document.createElement('button');
      view.type = 'button';
      view.textContent = 'output';
      view.onclick = () => showOutput(s);
      const again = document.createElement('button');
      again.type = 'button';
      again.textContent = 'restart';
      again.onclick = async () => {
        try {
          const r = await api('POST', sessionPath(s.id, 'restart'), {});
          if (r.slot) attach(r.slot, r);
        } catch (e) {
          alert(e.message);
        }
      };
      td.append(view, ' ', again);
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  // A finished session's output as text; a terminal's escape sequences are dropped.
  async function showOutput(s) {
    const decoder = new TextDecoder('utf-8');
    let text = '';
    let after = 0;
    for (let i = 0; i < 64; i++) {
      const page = await api('GET', sessionPath(s.id, 'output') + '?after=' + after + '&maxBytes=262144');
      for (const c of page.chunks) text += decoder.decode(b64ToBytes(c.data), { stream: true });
      if (!page.truncated || page.chunks.length === 0) break;
      after = page.nextAfter;
    }
    text = text.replace(/\x1b\[[0-?]*[ -\/]*[@-~]/g, '').replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '')
               .replace(/\x1b[()][0-9A-Za-z]/g, '').replace(/\r\n/g, '\n');
    $('#viewer-title').textContent = label(s) + ' (' + s.status + ', ' + s.bytes + ' bytes' + (cost(s) ? ', ' + cost(s) : '') + ')';
    $('#viewer-text').textContent = text;
    $('#viewer').hidden = false;
  }

  async function stats() {
    try {
      const st = await api('GET', '/api/stats');
      const c = st.cost.costUsd === null ? '' : ' · cost $' + st.cost.costUsd.toFixed(4);
      $('#stats').textContent = st.total + ' sessions · ' + (st.byStatus.running || 0) + ' running' + c;
    } catch (e) {
      // the next refresh tries again
    }
  }

  // ---- starting --------------------------------------------------------------------------

  function argv(text) {
    const t = text.trim();
    if (t.startsWith('[')) {
      const a = JSON.parse(t);
      if (!Array.isArray(a) || a.some((x) => typeof x !== 'string')) throw new Error('a JSON argv is an array of strings');
      return a;
    }
    // A simple split on whitespace: no quotes, no escapes. Use a JSON array for anything else.
    return t.split(/\s+/).filter((w) => w.length > 0);
  }

  function startForm() {
    $('#start').onsubmit = async (e) => {
      e.preventDefault();
      $('#start-error').textContent = '';
      try {
        const body = { command: argv($('#start-command').value) };
        const name = $('#start-name').value.trim();
        if (name) body.name = name;
        const slot = $('#start-slot').value;
        if (slot) body.slot = Number(slot);
        body.tty = $('#start-tty').checked;
        if (body.tty) {
          const m = /^(\d+)x(\d+)$/i.exec($('#start-size').value.trim());
          if (!m) throw new Error('size: COLSxROWS, e.g. 100x30');
          body.cols = Number(m[1]);
          body.rows = Number(m[2]);
        }
        body.interactive = $('#start-interactive').checked;
        const s = await api('POST', '/api/sessions', body);
        if (s.slot) attach(s.slot, s);
        $('#start-command').value = '';
      } catch (err) {
        $('#start-error').textContent = err.message;
      }
    };
  }

  // What tests and curious users can read: the text a slot shows, and when chunks arrived.
  window.harness = {
    arrivals,
    text(n) {
      const slot = slots[n];
      if (!slot || !slot.session) return '';
      if (!slot.term) return $('.plain', slot.el).textContent;
      const buf = slot.term.buffer.active;
      const lines = [];
      for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i).translateToString(true));
      return lines.join('\n');
    },
    session(n) { return slots[n] && slots[n].session; },
    connected() { return !!socket && socket.readyState === WebSocket.OPEN; },
  };

  buildSlots();
  startForm();
  $('#viewer-close').onclick = () => { $('#viewer').hidden = true; };
  connect();
})();
