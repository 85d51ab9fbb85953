// The comment list's keyboard, as in WordPress: j and k go from comment to comment, a approves,
// s marks as spam, d trashes, r replies. Only on the list, never while typing in a field.
(() => {
  let current = null; // the row j and k went to
  const rows = () =>
    [...document.querySelectorAll("td.comment-moderation")].map((cell) => cell.closest("tr"));
  const select = (index) => {
    const all = rows();
    if (!all.length) return;
    const row = all[Math.max(0, Math.min(index, all.length - 1))];
    all.forEach((other) => other.classList.toggle("comment-row--current", other === row));
    current = row;
    row.scrollIntoView({ block: "nearest" });
    const first = row.querySelector("a[href], button");
    if (first) first.focus({ preventScroll: true });
  };
  const typing = (target) =>
    target.closest &&
    target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (!document.querySelector("td.comment-moderation")) return;
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      // Start from the row holding the focus, if the editor tabbed or clicked there.
      const all = rows();
      const focused = event.target.closest && event.target.closest("tr");
      const from = all.indexOf(all.includes(focused) ? focused : current);
      select(from < 0 ? 0 : from + (event.key === "j" ? 1 : -1));
      return;
    }
    const row = current && current.isConnected ? current : null;
    if (!row) return;
    const target = row.querySelector(`[data-shortcut="${event.key}"]`);
    if (target) {
      event.preventDefault();
      target.click();
    }
  });

  const help = () => {
    const cell = document.querySelector("td.comment-moderation[data-shortcuts-help]");
    if (!cell || document.querySelector(".comment-shortcuts")) return;
    const note = document.createElement("p");
    note.className = "help-text comment-shortcuts";
    note.textContent = cell.dataset.shortcutsHelp;
    cell.closest("table").before(note);
  };
  document.addEventListener("DOMContentLoaded", () => {
    help();
    // Filters and searches swap the results in place: the note comes back with them.
    new MutationObserver(help).observe(document.body, { childList: true, subtree: true });
  });
})();
