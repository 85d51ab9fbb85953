// Progressive help for the public forms; every form works without it.
(function () {
  "use strict";
  // A live character count under each textarea that has a limit.
  document.querySelectorAll("textarea[data-maxlength]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-maxlength"), 10);
    var template = area.getAttribute("data-count-text") || "{count} / " + limit;
    var counter = document.createElement("p");
    counter.className = "field-count";
    counter.id = area.id + "-count";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    var describedBy = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + counter.id);
    var timer = null;
    function update() {
      // Line breaks count as one character, as the server counts them.
      var count = area.value.replace(/\r\n/g, "\n").length;
      counter.textContent = template.replace("{count}", count.toLocaleString());
      counter.classList.toggle("field-count--over", count > limit);
    }
    update();
    area.addEventListener("input", function () {
      // Screen readers hear the count once typing pauses, not at every key.
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
  });
  // Options that only matter once their box is ticked follow it.
  document.querySelectorAll("[data-shown-with]").forEach(function (group) {
    var box = document.getElementById(group.getAttribute("data-shown-with"));
    if (!box) return;
    function sync() { group.hidden = !box.checked; }
    sync();
    box.addEventListener("change", sync);
  });
})();
