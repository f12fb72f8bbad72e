namespace FastNmf.Cli.View;

/// <summary>The live page: one self-contained HTML document (no external script, style, font or image) that draws
/// the events of <see cref="LiveViewEvents"/> into canvases: the maps filling in, the current diffractions, the rate.
/// The body's data attributes (<c>data-received</c>, <c>data-maps</c>, <c>data-state</c>) say what it has drawn.</summary>
internal static class LiveViewPage
{
    public const string Html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>fastnmf live</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; background: #fafafa; }
        h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 18px 0 6px; }
        #status { font-variant-numeric: tabular-nums; margin: 4px 0; }
        #bar { height: 6px; background: #ddd; width: 100%; max-width: 960px; } #fill { height: 6px; width: 0; background: #31688e; }
        .grid { display: flex; flex-wrap: wrap; gap: 8px; }
        figure { margin: 0; text-align: center; font-size: 12px; color: #555; }
        canvas { width: 132px; height: 132px; image-rendering: pixelated; background: #440154; display: block; }
        #state.ended { color: #1f7a3a; } #state.failed { color: #b00020; }
        </style></head>
        <body data-received="0" data-maps="0" data-state="connecting">
        <h1>fastnmf live <span id="mode"></span></h1>
        <div id="state">connecting…</div>
        <div id="status"></div>
        <div id="bar"><div id="fill"></div></div>
        <h2>Maps <small id="maps-label"></small></h2><div class="grid" id="maps"></div>
        <h2>Diffractions <small id="diffractions-label"></small></h2><div class="grid" id="diffractions"></div>
        <script>
        'use strict';
        let hello = null;
        const $ = id => document.getElementById(id);
        function setState(text, cls) { $('state').textContent = text; $('state').className = cls || ''; document.body.dataset.state = cls || 'live'; }
        function grid(id, k, rows, cols) {
          const host = $(id); host.replaceChildren();
          for (let c = 0; c < k; c++) {
            const f = document.createElement('figure'), cv = document.createElement('canvas');
            cv.width = cols; cv.height = rows; const s = 132 / Math.max(rows, cols);
            cv.style.width = Math.round(cols * s) + 'px'; cv.style.height = Math.round(rows * s) + 'px';
            const cap = document.createElement('figcaption'); cap.textContent = '#' + c;
            f.append(cv, cap); host.append(f);
          }
        }
        function draw(id, d, rows, cols) {
          const bytes = Uint8Array.from(atob(d.data), ch => ch.charCodeAt(0)), n = rows * cols, lut = hello.lut;
          const canvases = $(id).querySelectorAll('canvas'), caps = $(id).querySelectorAll('figcaption');
          canvases.forEach((cv, c) => {
            const g = cv.getContext('2d'), img = g.createImageData(cols, rows), px = img.data;
            for (let i = 0; i < n; i++) {
              const v = bytes[c * n + i], o = 4 * i;
              if (v === 255) { px[o] = px[o + 1] = px[o + 2] = 160; } else { px[o] = lut[3 * v]; px[o + 1] = lut[3 * v + 1]; px[o + 2] = lut[3 * v + 2]; }
              px[o + 3] = 255;
            }
            g.putImageData(img, 0, 0);
            caps[c].textContent = '#' + c + ' max ' + Number(d.max[c]).toPrecision(3);
          });
          $(id + '-label').textContent = '(' + d.label + ')';
        }
        const events = new EventSource('/events');
        events.addEventListener('waiting', e => setState('waiting for the first frame from ' + JSON.parse(e.data).origin + ' …'));
        events.addEventListener('hello', e => {
          hello = JSON.parse(e.data);
          $('mode').textContent = '— ' + hello.mode + ', k = ' + hello.k + ', scan ' + hello.scan_rows + '×' + hello.scan_cols;
          grid('maps', hello.k, hello.scan_rows, hello.scan_cols);
          grid('diffractions', hello.k, hello.det_rows, hello.det_cols);
          $('diffractions-label').textContent = hello.bin > 1 ? '(binned ' + hello.bin + '×' + hello.bin + ')' : '';
          setState(hello.start_frames > 0 ? 'learning: W starts from the first ' + hello.start_frames + ' frames (whole scan rows), then refreshes as frames arrive' : 'scan in progress');
        });
        events.addEventListener('status', e => {
          const s = JSON.parse(e.data);
          $('status').textContent = s.received + '/' + s.expected + ' frames · ' + s.fps.toFixed(0) + ' frames/s · ' + s.mib_s.toFixed(1) + ' MiB/s · lag ' + s.lag +
            ' · ' + s.lost + ' lost · latency p50 ' + s.p50_ms.toFixed(1) + ' ms, p99 ' + s.p99_ms.toFixed(1) + ' ms' + (s.eta_s !== undefined ? ' · ETA ' + s.eta_s.toFixed(0) + ' s' : '');
          $('fill').style.width = Math.min(100, 100 * (s.received + s.lost) / Math.max(1, s.expected)) + '%';
          document.body.dataset.received = s.received;
        });
        events.addEventListener('maps', e => { if (hello) { draw('maps', JSON.parse(e.data), hello.scan_rows, hello.scan_cols); document.body.dataset.maps = +document.body.dataset.maps + 1; } });
        events.addEventListener('diffractions', e => {
          if (!hello) return;
          draw('diffractions', JSON.parse(e.data), hello.det_rows, hello.det_cols);
          if (hello.start_frames > 0 && document.body.dataset.state === 'live') setState('learning: W refreshed as frames arrive');
        });
        events.addEventListener('note', e => setState(JSON.parse(e.data).message, 'finishing'));
        events.addEventListener('end', e => { const d = JSON.parse(e.data); events.close(); setState(d.message, d.complete ? 'ended' : 'failed'); });
        events.onerror = () => { if (document.body.dataset.state !== 'ended' && document.body.dataset.state !== 'failed') setState('connection lost, retrying …', 'retrying'); };
        </script>
        </body></html>
        """;
}
