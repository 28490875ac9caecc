// Small helpers the site and the workbench share (see tracker.css).
document.addEventListener("DOMContentLoaded", () => {
  const phone = window.matchMedia("(max-width: 40rem)").matches;

  // On a phone each table row is shown as a card: give every cell its column's name.
  document.querySelectorAll(".site main table, #result_list").forEach((table) => {
    // (A workbench column's name is in its .text, apart from its sort buttons.)
    const names = [...table.querySelectorAll("thead th")].map(
      (th) => (th.querySelector(".text") || th).textContent.trim(),
    );
    table.querySelectorAll("tbody tr").forEach((row) => {
      [...row.children].forEach((cell, index) => {
        if (names[index] && !cell.hasAttribute("colspan")) cell.dataset.label = names[index];
      });
    });
  });

  // Filters take a screen and a half on a phone: fold them there, keep them open elsewhere.
  document.querySelectorAll("details.filters, #changelist-filter details").forEach((details) => {
    details.open = !phone;
  });

  // The workbench's search boxes (select2) show the chosen value in a textbox that has no name
  // a screen reader can announce: name each by its field's label as soon as select2 draws it.
  const nameSearchBoxes = () => document
    .querySelectorAll(".select2-selection__rendered[role=textbox]:not([aria-label])")
    .forEach((box) => {
      const field = box.id.replace(/^select2-/, "").replace(/-container$/, "");
      const label = document.querySelector(`label[for="${field}"]`);
      box.setAttribute("aria-label", label ? label.textContent.replace(/[:：]\s*$/, "") : "查找");
    });
  nameSearchBoxes();
  new MutationObserver(nameSearchBoxes).observe(document.body, { childList: true, subtree: true });
});

// What inline onchange="" and onclick="" did: the Content-Security-Policy runs no inline script.
document.addEventListener("DOMContentLoaded", () => {
  // A filter that applies as soon as it is chosen (the chase list's bureau).
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  document.querySelectorAll("button[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
