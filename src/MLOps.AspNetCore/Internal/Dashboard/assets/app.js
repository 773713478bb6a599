// MLOps dashboard: polls the MapMLOps JSON endpoints and re-renders. Every server string goes through textContent
// (or an SVG <title>'s textContent) and is never parsed as HTML; nothing is loaded from anywhere but this service.
'use strict';
(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const MAX_ROWS = 8;
  const MAX_QUALITY_WINDOWS = 100;
  const qualitySeen = new Map();
  let config = null;

  // ---- DOM helpers ---------------------------------------------------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    applyProps(node, props);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) node.setAttribute(k, String(v));
    }
    append(node, children);
    return node;
  }

  function applyProps(node, props) {
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'text') node.textContent = String(v);
      else if (k === 'class') node.className = v;
      else node.setAttribute(k, String(v));
    }
  }

  function append(node, children) {
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }

  const empty = text => el('p', { class: 'empty', text });
  const badge = (text, kind) => el('span', { class: 'badge' + (kind ? ' ' + kind : ''), text });
  const block = (title, ...content) => el('div', { class: 'block' }, el('h3', { text: title }), ...content);

  function table(headers, rows) {
    return el('div', { class: 'scroll' }, el('table', null,
      el('thead', null, el('tr', null, headers.map(h => el('th', { class: h.num ? 'num' : null, text: h.label || h })))),
      el('tbody', null, rows.map(r => el('tr', null, r.map((cell, i) =>
        el('td', { class: headers[i].num ? 'num' : null }, cell instanceof Node ? cell : String(cell ?? '–'))))))));
  }

  // ---- formatting ---------------------------------------------------------------------------------------------
  function num(v) {
    if (typeof v !== 'number') return v == null ? '–' : String(v);
    if (!Number.isFinite(v)) return String(v);
    if (v !== 0 && (Math.abs(v) < 0.001 || Math.abs(v) >= 1e6)) return v.toExponential(2);
    return String(Number(v.toPrecision(4)));
  }

  function ago(iso) {
    if (!iso) return '–';
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return String(iso);
    const s = Math.max(0, Math.round((Date.now() - t) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return Math.round(s / 3600) + ' h ago';
    return new Date(t).toLocaleString();
  }

  const time = iso => el('time', { datetime: iso, title: iso, text: ago(iso) });
  const clock = iso => { const d = new Date(iso); return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(); };

  // ---- HTTP ---------------------------------------------------------------------------------------------------
  async function get(path) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 15000);
    try {
      const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: controller.signal });
      const data = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
      return { status: response.status, ok: response.ok, data };
    } finally {
      clearTimeout(timer);
    }
  }

  const api = (route, name) => config.apiBase + route.replace('{name}', encodeURIComponent(name ?? ''));

  /** A section's endpoint answered something other than 200: say why, plainly. */
  function unavailable(result, notFound) {
    if (result.status === 401) return empty('Needs you to sign in (401).');
    if (result.status === 403) return empty('Not allowed for your account (403).');
    if (result.status === 404) return empty(notFound);
    const detail = result.data && typeof result.data.detail === 'string' ? ': ' + result.data.detail : '';
    return el('p', { class: 'error-text', text: `HTTP ${result.status}${detail}` });
  }

  // ---- sections -----------------------------------------------------------------------------------------------
  function renderAlerts(result) {
    const body = document.querySelector('#alerts .panel-body');
    if (!config.available.alerts) { body.replaceChildren(empty('Alerting is not configured in this service (AddAlerting).')); return; }
    if (!result.ok) { body.replaceChildren(unavailable(result, 'Alerting is not configured.')); return; }
    const alerts = (result.data.alerts || []).filter(a => a.status === 'firing' || a.status === 'pending');
    const evaluated = result.data.lastEvaluatedAt ? el('p', { class: 'muted' }, 'Rules last evaluated ', time(result.data.lastEvaluatedAt),
      ` · ${(result.data.rules || []).length} rule(s)`) : el('p', { class: 'muted', text: 'Rules not evaluated yet.' });
    if (alerts.length === 0) { body.replaceChildren(empty('No alert is firing or pending.'), evaluated); return; }
    body.replaceChildren(...alerts.map(a => el('div', { class: 'alert' },
      badge(a.status, a.status === 'firing' ? 'bad' : 'warn'),
      el('strong', { text: `${a.rule?.name ?? 'alert'} (${a.rule?.severity ?? ''})` }),
      el('span', null, 'since ', time(a.firingSince || a.activeSince)),
      el('span', { class: 'summary', text: a.summary }),
      el('span', { class: 'labels', text: Object.entries(a.labels || {}).map(([k, v]) => `${k}=${v}`).join(' · ') }))), evaluated);
  }

  function renderServing(variants) {
    return block('Serving', table(
      ['Variant', { label: 'Version', num: true }, 'Loaded', 'Source', 'State'],
      variants.map(m => [
        m.variant,
        m.version == null ? '–' : 'v' + m.version,
        time(m.loadedAt),
        m.source,
        m.lastLoadError ? el('span', { class: 'error-text', text: `load failed: ${m.lastLoadError}` })
          : m.version == null ? badge('not loaded', 'warn') : badge('serving', 'ok'),
      ])));
  }

  function renderRegistry(name, versions, aliases, audit) {
    const blocks = [];
    if (!config.available.versions && !config.available.aliases) {
      return [block('Registry', empty('No model registry in this service.'))];
    }

    if (versions) {
      blocks.push(block('Registered versions', versions.ok && Array.isArray(versions.data)
        ? (versions.data.length ? table(['Version', 'Status', 'Aliases', 'Metrics', 'Registered'],
          versions.data.slice(-MAX_ROWS).reverse().map(v => [
            'v' + v.version,
            badge(v.status, v.status === 'ready' ? 'ok' : v.status === 'failed' ? 'bad' : 'warn'),
            (v.aliases || []).length ? el('span', null, v.aliases.map(a => badge(a))) : '–',
            Object.entries(v.metrics || {}).slice(0, 3).map(([k, x]) => `${k} ${num(x)}`).join(', ') || '–',
            time(v.createdAt),
          ])) : empty('No version registered.'))
        : unavailable(versions, `Model ${name} is not in the registry.`)));
    }

    if (aliases) {
      blocks.push(block('Alias history', aliases.ok && Array.isArray(aliases.data)
        ? (aliases.data.length ? table(['When', 'Alias', 'Change', 'By', 'Reason'],
          aliases.data.slice(-MAX_ROWS).reverse().map(h => [
            time(h.timestamp), h.alias,
            `${h.action} ${h.previousVersion != null ? 'v' + h.previousVersion + ' → ' : ''}${h.version != null ? 'v' + h.version : '(removed)'}`,
            h.actor, h.reason ?? '–',
          ])) : empty('No alias has been set.'))
        : unavailable(aliases, `Model ${name} is not in the registry.`)));
    }

    blocks.push(block('Recent audit trail', !config.available.audit
      ? empty('The audit trail is a management endpoint, not mapped here (it needs authentication and the management policy).')
      : audit.ok && Array.isArray(audit.data)
        ? (audit.data.length ? table(['When', 'Action', 'Target', 'By', 'Reason'],
          audit.data.slice(-MAX_ROWS).reverse().map(e => [time(e.timestamp), e.action, e.target, e.actor, e.reason ?? '–']))
          : empty('No registry change recorded.'))
        : unavailable(audit, 'No audit trail for this model.')));
    return blocks;
  }

  const METHODS = {
    kolmogorovSmirnov: 'KS test', chiSquare: 'chi-square', zTest: 'z-test', wasserstein: 'Wasserstein',
    jensenShannon: 'Jensen-Shannon', populationStabilityIndex: 'PSI', hellinger: 'Hellinger',
  };
  const methodName = m => METHODS[m] ?? String(m ?? '');

  /** Drift per feature over recent windows: one row per feature, up = more drift, above the dashed line = drifted. */
  function driftChart(history) {
    const latest = history[history.length - 1];
    const rows = [{ label: 'Dataset', sub: `share drifted: drift at ≥ ${num(latest.driftShareThreshold)}`, points: history.map(r => ({
      y: r.driftShare, t: r.driftShareThreshold, drifted: r.datasetDrift, report: r, text: `drift share ${num(r.driftShare)}` })), max: 1, threshold: latest.driftShareThreshold }];
    for (const f of latest.features || []) {
      const pValue = f.pValue !== undefined && f.pValue !== null;
      const points = history.map(r => {
        const x = (r.features || []).find(g => g.feature === f.feature);
        if (!x || !x.evaluated) return { y: null, report: r };
        // p-values on a log scale (smaller = more drift), distances as they are (larger = more drift).
        const y = pValue ? -Math.log10(Math.max(x.score, 1e-12)) : x.score;
        return { y, drifted: x.drifted, report: r, text: `${pValue ? 'p' : 'distance'} ${num(x.score)} (threshold ${num(x.threshold)})` };
      });
      const threshold = pValue ? -Math.log10(f.threshold) : f.threshold;
      const max = Math.max(threshold * 2, ...points.map(p => p.y ?? 0));
      rows.push({ label: f.feature, sub: `${methodName(f.method)}: ${pValue ? `drift at p < ${num(f.threshold)}` : `drift at ≥ ${num(f.threshold)}`}`,
        points, max, threshold, latestText: f.evaluated ? (pValue ? `p ${num(f.score)}` : num(f.score)) : 'not evaluated', latestDrifted: f.drifted });
    }

    rows[0].latestText = num(latest.driftShare);
    rows[0].latestDrifted = latest.datasetDrift;
    const W = 860, left = 230, right = 110, rowH = 46, top = 8, plotW = W - left - right;
    const H = top + rows.length * rowH + 22;
    const n = history.length;
    const x = i => left + (n === 1 ? plotW / 2 : (i * plotW) / (n - 1));
    const chart = svg('svg', { class: 'chart drift-chart', viewBox: `0 0 ${W} ${H}`, role: 'img' },
      svg('title', null, `Drift per feature over the last ${n} window(s)`));
    rows.forEach((row, r) => {
      const y0 = top + r * rowH, h = rowH - 12;
      const y = v => y0 + h - (Math.min(v, row.max) / (row.max || 1)) * h;
      chart.append(svg('rect', { class: 'row-bg', x: left, y: y0, width: plotW, height: h }),
        svg('text', { x: 0, y: y0 + 13 }, row.label),
        svg('text', { class: 'axis', x: 0, y: y0 + 28 }, row.sub),
        svg('line', { class: 'threshold', x1: left, x2: left + plotW, y1: y(row.threshold), y2: y(row.threshold) }),
        svg('text', { class: row.latestDrifted ? 'bad' : '', x: left + plotW + 10, y: y0 + 20 }, row.latestText + (row.latestDrifted ? ' ▲' : '')));
      const drawn = row.points.map((p, i) => ({ ...p, i })).filter(p => p.y !== null);
      if (drawn.length > 1) {
        chart.append(svg('path', { class: 'line', d: drawn.map((p, k) => `${k ? 'L' : 'M'}${x(p.i).toFixed(1)},${y(p.y).toFixed(1)}`).join('') }));
      }
      for (const p of drawn) {
        chart.append(svg('circle', { class: 'point' + (p.drifted ? ' drifted' : ''), cx: x(p.i).toFixed(1), cy: y(p.y).toFixed(1), r: 3.5 },
          svg('title', null, `${clock(p.report.createdAt)} · v${p.report.modelVersion ?? '?'} · ${p.report.currentRows} rows · ${p.text}${p.drifted ? ' · drifted' : ''}`)));
      }
    });
    const axisY = top + rows.length * rowH + 8;
    chart.append(svg('text', { class: 'axis', x: left, y: axisY }, clock(history[0].createdAt)),
      svg('text', { class: 'axis', x: left + plotW, y: axisY, 'text-anchor': 'end' }, n > 1 ? clock(latest.createdAt) : ''));
    return chart;
  }

  function renderDrift(name, result) {
    const title = 'Drift per feature (recent windows)';
    if (!config.available.driftHistory) return block(title, empty('Drift monitoring is not configured in this service.'));
    if (!result.ok) return block(title, unavailable(result, 'Not monitored for drift (WithDriftMonitoring).'));
    const history = Array.isArray(result.data) ? result.data : [];
    if (history.length === 0) return block(title, empty('Monitored; no drift window has closed yet.'));
    const latest = history[history.length - 1];
    const summary = el('p', null, latest.datasetDrift ? badge('dataset drift', 'bad') : badge('no dataset drift', 'ok'),
      ` ${latest.driftedFeatures} of ${latest.evaluatedFeatures} feature(s) drifted in the latest window (v${latest.modelVersion ?? '?'}, ${latest.currentRows} rows), `, time(latest.createdAt), '.');
    const links = config.available.driftReport
      ? el('p', { class: 'links' }, el('a', { href: api('/models/{name}/drift/report.html', name), download: '', text: 'Download the drift report (HTML)' }))
      : null;
    return block(title, summary, driftChart(history), links);
  }

  /** Quality over time: the first metric of each closed window, one line per version and variant. */
  function qualityChart(windows) {
    const metric = Object.keys(windows.find(w => Object.keys(w.metrics || {}).length)?.metrics || {})[0];
    if (!metric) return null;
    const series = new Map();
    for (const w of windows) {
      const v = w.metrics?.[metric];
      if (typeof v !== 'number') continue;
      const key = `v${w.modelVersion} ${w.variant}`;
      if (!series.has(key)) series.set(key, []);
      series.get(key).push({ t: Date.parse(w.end), v });
    }

    const all = [...series.values()].flat();
    if (all.length === 0) return null;
    const W = 860, H = 170, left = 76, right = 20, top = 10, bottom = 24;
    const t0 = Math.min(...all.map(p => p.t)), t1 = Math.max(...all.map(p => p.t));
    let lo = Math.min(...all.map(p => p.v)), hi = Math.max(...all.map(p => p.v));
    const [min, max] = [lo, hi];
    if (lo === hi) { lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1; }
    const pad = (hi - lo) * 0.08;
    lo -= pad; hi += pad;
    const inner = 10, plotW = W - left - right - 2 * inner;
    const x = t => left + inner + (t1 === t0 ? plotW / 2 : ((t - t0) / (t1 - t0)) * plotW);
    const y = v => top + (1 - (v - lo) / (hi - lo)) * (H - top - bottom);
    const chart = svg('svg', { class: 'chart quality-chart', viewBox: `0 0 ${W} ${H}`, role: 'img' }, svg('title', null, `${metric} per closed window`),
      svg('rect', { class: 'row-bg', x: left, y: top, width: W - left - right, height: H - top - bottom }),
      svg('line', { class: 'gridline', x1: left, x2: W - right, y1: y(max), y2: y(max) }),
      svg('text', { class: 'axis', x: left - 6, y: y(max) + 4, 'text-anchor': 'end' }, num(max)),
      min === max ? null : svg('line', { class: 'gridline', x1: left, x2: W - right, y1: y(min), y2: y(min) }),
      min === max ? null : svg('text', { class: 'axis', x: left - 6, y: y(min) + 4, 'text-anchor': 'end' }, num(min)),
      svg('text', { class: 'axis', x: left, y: H - 6 }, clock(new Date(t0).toISOString())),
      svg('text', { class: 'axis', x: W - right, y: H - 6, 'text-anchor': 'end' }, clock(new Date(t1).toISOString())));
    const legend = el('p', { class: 'legend' }, el('strong', { text: metric + ':' }));
    [...series.entries()].forEach(([key, points], s) => {
      const cls = 's' + Math.min(s, 4);
      if (points.length > 1) chart.append(svg('path', { class: 'series ' + cls, d: points.map((p, k) => `${k ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('') }));
      for (const p of points) chart.append(svg('circle', { class: cls, cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 3 }, svg('title', null, `${key} · ${metric} ${num(p.v)}`)));
      legend.append(el('span', { class: cls, text: key }));
    });
    return [chart, legend];
  }

  function renderQuality(name, result) {
    const title = 'Quality by version and variant';
    if (!config.available.quality) return block(title, empty('Quality monitoring is not configured in this service.'));
    if (!result.ok) return block(title, unavailable(result, 'Not monitored for quality (WithQualityMonitoring).'));
    const report = result.data;
    // The service reports its recent closed windows (history, oldest first) and the latest per version and variant;
    // the page keeps those it has seen, so windows that have left the service's history stay on the chart.
    const seen = qualitySeen.get(name) ?? new Map();
    qualitySeen.set(name, seen);
    for (const w of [...(report.history || []), ...(report.closed || [])]) seen.set(`${w.modelVersion}|${w.variant}|${w.start}|${w.end}`, w);
    while (seen.size > MAX_QUALITY_WINDOWS) seen.delete(seen.keys().next().value);
    const closed = [...seen.values()].sort((a, b) => Date.parse(a.end) - Date.parse(b.end));
    const windows = [...closed, ...(report.current || [])];
    const counts = el('p', { class: 'muted', text: `Feedback: ${report.joinedFeedback} joined, ${report.lateFeedback} late, ${report.duplicateFeedback} duplicate, ${report.invalidFeedback} invalid.` });
    const links = config.available.qualityReport
      ? el('p', { class: 'links' }, el('a', { href: api('/models/{name}/quality/report.html', name), download: '', text: 'Download the quality report (HTML)' }))
      : null;
    if (windows.length === 0) return block(title, empty('Monitored; no ground truth has arrived yet.'), counts, links);
    const metrics = [...new Set(windows.flatMap(w => Object.keys(w.metrics || {})))].slice(0, 4);
    const note = el('p', { class: 'muted', text: 'Recent closed windows (kept by the service, and those seen since this page opened), and the current ones.' });
    return block(title, qualityChart(closed), note, table(
      ['Window end', 'Version', 'Variant', { label: 'Labelled', num: true }, ...metrics.map(m => ({ label: m, num: true }))],
      windows.slice(-MAX_ROWS).reverse().map(w => [
        w.isClosed ? time(w.end) : badge('current', 'warn'), 'v' + w.modelVersion, w.variant, w.count,
        ...metrics.map(m => (m in (w.metrics || {}) ? num(w.metrics[m]) : (w.undefinedMetrics || {})[m] ? 'undefined' : '–')),
      ])), counts, links);
  }

  async function renderModel(name, variants) {
    const av = config.available;
    const none = Promise.resolve(null);
    const [versions, aliases, audit, drift, quality] = await Promise.all([
      av.versions ? get(api('/models/{name}/versions', name)) : none,
      av.aliases ? get(api('/models/{name}/aliases', name)) : none,
      av.audit ? get(api('/models/{name}/audit', name)) : none,
      av.driftHistory ? get(api('/models/{name}/drift/history', name)) : none,
      av.quality ? get(api('/models/{name}/quality', name)) : none,
    ]);
    const served = variants.map(v => badge(`${v.variant}: ${v.version == null ? 'not loaded' : 'v' + v.version}`, v.version == null ? 'warn' : 'ok'));
    return el('section', { class: 'panel model', 'data-model': name },
      el('h2', null, el('span', { class: 'model-name', text: name }), served),
      el('div', { class: 'panel-body grid' },
        renderServing(variants),
        ...renderRegistry(name, versions, aliases, audit),
        el('div', { class: 'wide' }, renderDrift(name, drift ?? { ok: false, status: 404 })),
        el('div', { class: 'wide' }, renderQuality(name, quality ?? { ok: false, status: 404 }))));
  }

  // ---- refresh loop -------------------------------------------------------------------------------------------
  function setStatus(text, error) {
    const status = document.getElementById('status');
    status.textContent = text;
    status.className = 'status' + (error ? ' error' : '');
  }

  async function refresh() {
    try {
      if (!config) {
        const loaded = await get('config.json');
        if (!loaded.ok) throw new Error(`the dashboard configuration answered HTTP ${loaded.status}`);
        config = loaded.data;
      }

      const [models, alerts] = await Promise.all([
        get(api('/models')),
        config.available.alerts ? get(api('/alerts')) : Promise.resolve({ ok: false, status: 404 }),
      ]);
      renderAlerts(alerts);
      const container = document.getElementById('models');
      if (!models.ok) {
        container.replaceChildren(el('section', { class: 'panel' }, el('div', { class: 'panel-body' },
          unavailable(models, `No MLOps endpoints at ${config.apiBase} (is MapMLOps mapped with this prefix?).`))));
      } else if (models.data.length === 0) {
        container.replaceChildren(el('section', { class: 'panel' }, el('div', { class: 'panel-body' }, empty('No model is served.'))));
      } else {
        const byName = new Map();
        for (const m of models.data) {
          if (!byName.has(m.name)) byName.set(m.name, []);
          byName.get(m.name).push(m);
        }

        container.replaceChildren(...await Promise.all([...byName].map(([name, variants]) => renderModel(name, variants))));
      }

      setStatus(`Updated ${new Date().toLocaleTimeString()} · every ${Math.round(config.refreshMilliseconds / 1000)} s`, false);
    } catch (error) {
      setStatus(`Cannot reach the service (${error.message}); retrying.`, true);
    } finally {
      setTimeout(refresh, config ? config.refreshMilliseconds : 5000);
    }
  }

  refresh();
})();
