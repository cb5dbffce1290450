// The page of an upload on the background queue (/inlezen/taak/<id>/): every two seconds it
// asks the server how far the task is (steps done of total, as the server counts them) and
// shows that; when the task is done it goes on to the report. Without this script the page
// works the same with its "Vernieuwen" link.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("[data-task-busy]");
  if (!section) {
    return;
  }
  const url = section.getAttribute("data-task-state");
  const text = section.querySelector("[data-task-text]");
  const bar = section.querySelector("[data-task-bar]");

  const update = async () => {
    let state;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) {
        return;
      }
      state = await response.json();
    } catch {
      return;
    }
    if (state.klaar) {
      window.location.reload(); // the page itself goes on to the report
      return;
    }
    const shown = (state.procent === null ? "" : `${state.procent} % · `) + state.tekst;
    if (text && text.textContent !== shown) {
      text.textContent = shown;
    }
    if (bar) {
      if (state.procent === null) {
        bar.removeAttribute("value");
      } else {
        bar.value = state.procent;
      }
    }
    window.setTimeout(update, 2000);
  };
  window.setTimeout(update, 2000);
});
