// A background job's page: poll its state, show the progress, reload when it has ended.
// No inline script (the CSP forbids it); text is set with textContent only.
"use strict";
(function () {
  const box = document.getElementById("job");
  if (!box || !["queued", "running"].includes(box.dataset.jobStatus)) return;
  const labelsEl = document.getElementById("job-labels");
  const labels = labelsEl ? JSON.parse(labelsEl.textContent) : {};
  const set = (id, text) => { const el = document.getElementById(id); if (el) el.textContent = text; };
  // every 250 ms for the first 3 s (a short job, such as an appeal accepted on a county, shows
  // done as soon as it is), then less and less often, up to every 3 s
  const started = Date.now();
  let delay = 250;
  async function poll() {
    try {
      const response = await fetch(box.dataset.jobUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const job = await response.json();
        const bar = document.getElementById("job-progress");
        if (bar) bar.value = job.progress;
        set("job-percent", Math.round(job.progress * 100) + "%");
        set("job-status", labels[job.status] || job.status);
        set("job-message", job.message);
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
          return;
        }
      }
    } catch (err) {
      // the server is busy or restarting: try again
    }
    if (Date.now() - started > 3000) delay = Math.min(delay * 1.5, 3000);
    window.setTimeout(poll, delay);
  }
  window.setTimeout(poll, delay);
})();
