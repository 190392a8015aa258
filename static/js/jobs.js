// 我的下载 (templates/jobs/): every element with data-job-status-url is a job still under
// way. Its bar, stage and status follow the job's JSON status; once a job has finished,
// the page is loaded again, which shows its download link or its error.
(() => {
  const POLL_MS = 1500;
  const running = [...document.querySelectorAll("[data-job-status-url]")];
  if (!running.length) return;

  const show = (element, state) => {
    const bar = element.querySelector("[data-job-bar]");
    if (bar) {
      bar.value = state.percent;
      bar.textContent = `${state.percent}%`;
    }
    const stage = element.querySelector("[data-job-stage]");
    if (stage) stage.textContent = state.stage;
    const percent = element.querySelector("[data-job-percent]");
    if (percent) percent.textContent = `${state.percent}%`;
    const status = element.querySelector("[data-job-status]");
    if (status) {
      status.textContent = state.status_label;
      status.className = `badge job-status-${state.status}`;
    }
  };

  const poll = async () => {
    let finished = false;
    for (const element of running) {
      try {
        const response = await fetch(element.dataset.jobStatusUrl, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          cache: "no-store",
        });
        if (!response.ok) continue;
        const state = await response.json();
        show(element, state);
        finished = finished || state.finished;
      } catch (error) {
        // A dropped connection: try again at the next tick.
      }
    }
    if (finished) window.location.reload();
    else window.setTimeout(poll, POLL_MS);
  };
  window.setTimeout(poll, POLL_MS);
})();
