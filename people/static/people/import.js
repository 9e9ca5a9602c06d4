/*
 * The import page's progress, in a file because the Content-Security-Policy allows no inline
 * script (nor htmx's evaluated trigger filters).
 *
 * Sending a big file can take a while on a slow network: the upload bar shows that part. While
 * a check runs (htmx puts "htmx-request" on the progress box), the server's own progress is
 * asked for every half second. The words come translated from the page's data-sending and
 * data-sent attributes. (Apply starts a background job: the browser goes to the job's page.)
 */
(function () {
  "use strict";
  const POLL_MS = 500;

  function byId(id) {
    return document.getElementById(id);
  }

  document.addEventListener("htmx:beforeRequest", function () {
    const bar = byId("upload-bar");
    const text = byId("upload-text");
    if (!bar || !text) return;
    bar.value = 0;
    text.textContent = text.dataset.sending;
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    const bar = byId("upload-bar");
    const text = byId("upload-text");
    if (!bar || !text || !event.detail.lengthComputable) return;
    const percent = Math.round((100 * event.detail.loaded) / event.detail.total);
    bar.value = percent;
    if (percent >= 100) text.textContent = text.dataset.sent;
  });

  setInterval(function () {
    const box = byId("import-progress-box");
    const target = byId("import-progress");
    if (!box || !target || !box.classList.contains("htmx-request") || !window.htmx) return;
    window.htmx.ajax("GET", target.dataset.progressUrl, { target: target, swap: "innerHTML" });
  }, POLL_MS);
})();
