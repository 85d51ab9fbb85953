// On a phone the editors' lists are cards (admin.css); each field keeps its column's name.
(() => {
  const label = () => {
    for (const table of document.querySelectorAll("table.vp-cards")) {
      const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
      for (const row of table.querySelectorAll("tbody tr")) {
        [...row.cells].forEach((cell, i) => {
          if (names[i] && cell.dataset.label !== names[i]) cell.dataset.label = names[i];
        });
      }
    }
  };
  document.addEventListener("DOMContentLoaded", () => {
    label();
    // Filters and searches swap the results in place.
    new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
  });
})();
