// iceledger: draw each chart from the spec the server wrote into the page, and wire its PNG/SVG
// download buttons. No build step; vega, vega-lite and vega-embed are vendored and loaded only on
// pages that have a chart. An exported chart says what it is inside itself: the server puts its
// place, period, unit, real/synthetic mark, source and publication date in spec.usermeta.export,
// drawn under the title; a PNG also carries them as text chunks (Title, Source, Disclaimer, ...).
(function () {
  "use strict";
  var locale = JSON.parse(document.getElementById("vega-locale").textContent);
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var vendor = JSON.parse(document.getElementById("vendor-scripts").textContent);
  var options = {actions: false, renderer: "svg", formatLocale: locale.number, timeFormatLocale: locale.time};

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }

  function exportSpec(spec) {
    var out = JSON.parse(JSON.stringify(spec));
    var meta = (spec.usermeta || {}).export || {};
    out.title = Object.assign({}, out.title, {subtitle: meta.lines || [], subtitleFontSize: 11,
                                              subtitleColor: "#222", subtitlePadding: 6});
    out.width = meta.width || 680;
    out.background = "#ffffff";
    return out;
  }

  // --- PNG text chunks (iTXt: keyword, 0, 0, 0, "", 0, "", 0, UTF-8 text) ------------------------
  var CRC = (function () {
    var t = [];
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    return t;
  })();

  function crc32(bytes) {
    var c = 0xFFFFFFFF;
    for (var i = 0; i < bytes.length; i++) c = CRC[(c ^ bytes[i]) & 0xFF] ^ (c >>> 8);
    return (c ^ 0xFFFFFFFF) >>> 0;
  }

  function chunk(keyword, text) {
    var enc = new TextEncoder();
    var body = [].concat(Array.from(enc.encode("iTXt")), Array.from(enc.encode(keyword)), [0, 0, 0, 0, 0],
                         Array.from(enc.encode(text)));
    var len = body.length - 4, crc = crc32(body);
    return [len >>> 24, (len >>> 16) & 255, (len >>> 8) & 255, len & 255].concat(body,
           [crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255]);
  }

  function withText(dataUrl, fields) {
    var bin = atob(dataUrl.split(",")[1]);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var extra = [];
    Object.keys(fields || {}).forEach(function (k) { if (fields[k]) extra = extra.concat(chunk(k, fields[k])); });
    var cut = 33;  // the 8-byte signature and the IHDR chunk
    var out = new Uint8Array(bytes.length + extra.length);
    out.set(bytes.subarray(0, cut), 0);
    out.set(extra, cut);
    out.set(bytes.subarray(cut), cut + extra.length);
    return URL.createObjectURL(new Blob([out], {type: "image/png"}));
  }

  function save(href, name) {
    var a = document.createElement("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function download(spec, format, name) {
    var box = document.createElement("div");
    box.style.cssText = "position:absolute;left:-10000px;top:0;width:800px";
    box.setAttribute("aria-hidden", "true");
    document.body.appendChild(box);
    return vegaEmbed(box, exportSpec(spec), options).then(function (result) {
      return result.view.toImageURL(format, format === "png" ? 2 : 1).then(function (href) {
        var png = ((spec.usermeta || {}).export || {}).png;
        save(format === "png" ? withText(href, png) : href, name + "." + format);
        result.finalize();
        box.remove();
      });
    });
  }

  function draw(el) {
    var spec = JSON.parse(el.getAttribute("data-spec"));
    var figure = el.closest("figure");
    var shown = Object.assign({}, spec);
    delete shown.title;  // the page's heading says it, and wraps on a phone; an export prints it
    return vegaEmbed(el, shown, options).then(function () {
      el.setAttribute("data-drawn", "true");
      figure.querySelectorAll("button.dl").forEach(function (b) {
        b.title = strings[b.getAttribute("data-format")];
        b.addEventListener("click", function () {
          download(spec, b.getAttribute("data-format"), el.getAttribute("data-name"));
        });
      });
    }).catch(function (err) {
      el.setAttribute("data-drawn", "failed");
      el.textContent = strings.failed;
      console.error(err);
    });
  }

  function start() {
    var charts = Array.prototype.slice.call(document.querySelectorAll(".chart[data-spec]"));
    var ready = function () { document.body.setAttribute("data-charts", "ready"); };
    if (!charts.length) return ready();
    vendor.reduce(function (p, src) { return p.then(function () { return load(src); }); }, Promise.resolve())
      .then(function () { return Promise.all(charts.map(draw)); })
      .then(ready, function (err) { console.error(err); ready(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
