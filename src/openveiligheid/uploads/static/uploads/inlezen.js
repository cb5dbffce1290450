// The upload form (/inlezen/): while the server reads the file, the button is disabled and a
// plain sentence says so. No progress bar: the server does not report progress (yet), so any
// bar would be made up. The form works the same without this script.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-upload-form]");
  if (!form) {
    return;
  }
  const button = form.querySelector("[data-upload-button]");
  const status = form.querySelector("[data-upload-status]");
  const busyText =
    "Bezig met inlezen… dit kan bij grote bestanden enkele minuten duren; sluit deze pagina niet.";

  form.addEventListener("submit", () => {
    if (button) {
      // Disabled after the browser has taken the form's data (a disabled button sends nothing,
      // and this one has no name), so the upload itself is not affected.
      window.setTimeout(() => {
        button.disabled = true;
      }, 0);
    }
    if (status) {
      status.textContent = busyText;
    }
  });

  // Back to this page from the report (the browser's page cache): ready for the next file.
  window.addEventListener("pageshow", () => {
    if (button) {
      button.disabled = false;
    }
    if (status) {
      status.textContent = "";
    }
  });
});
