// iceledger: draw each chart from the spec the server wrote into the page, and wire its
// PNG/SVG download buttons. No build step; vega, vega-lite and vega-embed are vendored.
(function () {
  "use strict";
  var locale = JSON.parse(document.getElementById("vega-locale").textContent);
  var strings = JSON.parse(document.getElementById("strings").textContent);

  function download(view, format, name) {
    view.toImageURL(format, format === "png" ? 2 : 1).then(function (href) {
      var a = document.createElement("a");
      a.href = href;
      a.download = name + "." + format;
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }

  function draw(el) {
    var spec = JSON.parse(el.getAttribute("data-spec"));
    var figure = el.closest("figure");
    return vegaEmbed(el, spec, {
      actions: false,
      renderer: "svg",
      formatLocale: locale.number,
      timeFormatLocale: locale.time
    }).then(function (result) {
      el.setAttribute("data-drawn", "true");
      figure.querySelectorAll("button.dl").forEach(function (b) {
        b.title = strings[b.getAttribute("data-format")];
        b.addEventListener("click", function () {
          download(result.view, b.getAttribute("data-format"), el.getAttribute("data-name"));
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
    Promise.all(charts.map(draw)).then(function () {
      document.body.setAttribute("data-charts", "ready");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
