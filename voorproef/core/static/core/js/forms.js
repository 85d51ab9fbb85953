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
  // A form sent back with mistakes: the first field to fix has the focus (and is in view).
  var invalid = document.querySelector('form [aria-invalid="true"]');
  if (invalid) invalid.focus();

  // Options that only matter once their box is ticked follow it.
  document.querySelectorAll("[data-shown-with]").forEach(function (group) {
    var box = document.getElementById(group.getAttribute("data-shown-with"));
    if (!box) return;
    function sync() { group.hidden = !box.checked; }
    sync();
    box.addEventListener("change", sync);
  });

  // Comments: "Reply" moves the form under the comment, as WordPress does; without this
  // script the link opens the same form with the reply set by the server.
  var respond = document.querySelector("[data-respond]");
  if (respond) {
    var home = document.createComment("respond");
    respond.parentNode.insertBefore(home, respond);
    var parentField = respond.querySelector("[data-reply-parent]");
    var note = respond.querySelector("[data-reply-note]");
    var label = respond.querySelector("[data-reply-label]");
    document.querySelectorAll("[data-reply-to]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        link.closest("article").insertAdjacentElement("afterend", respond);
        parentField.value = link.getAttribute("data-reply-to");
        label.textContent = link.getAttribute("data-reply-name");
        note.hidden = false;
        respond.querySelector("textarea").focus();
      });
    });
    respond.querySelector("[data-reply-cancel]").addEventListener("click", function (event) {
      event.preventDefault();
      home.parentNode.insertBefore(respond, home.nextSibling);
      parentField.value = "";
      note.hidden = true;
    });
  }

  // "Remember me" under the comment form: the name, address and website stay in this browser
  // (its local storage, which is never sent to the site), and only when the box is ticked.
  // Without local storage, or without this script, the box is not offered.
  var commentForm = document.getElementById("comment-form");
  var rememberBox = commentForm && commentForm.elements.remember;
  var store = null;
  try {
    store = window.localStorage;
    store.getItem("voorproef.reageerder");
  } catch (error) {
    store = null;
  }
  if (rememberBox && store) {
    var KEY = "voorproef.reageerder";
    var FIELDS = ["name", "email", "url"];
    // Earlier versions kept these in a cookie, sent with every request: moved here, removed.
    var cookie = document.cookie.split("; ").filter(function (c) {
      return c.indexOf("voorproef_reageerder=") === 0;
    })[0];
    if (cookie) {
      // Python wrapped a value holding "/" (a website) in double quotes.
      var value = cookie.split("=").slice(1).join("=").replace(/^"(.*)"$/, "$1");
      var parts = decodeURIComponent(value).split("\n");
      store.setItem(KEY, JSON.stringify({ name: parts[0] || "", email: parts[1] || "", url: parts[2] || "" }));
      document.cookie = "voorproef_reageerder=; Max-Age=0; Path=/; SameSite=Lax";
    }
    var saved = null;
    try {
      saved = JSON.parse(store.getItem(KEY) || "null");
    } catch (error) {
      saved = null;
    }
    if (saved) {
      FIELDS.forEach(function (name) {
        var input = commentForm.elements[name];
        if (input && !input.value && typeof saved[name] === "string") input.value = saved[name];
      });
      rememberBox.checked = true;
    }
    rememberBox.closest("[data-remember]").hidden = false;
    commentForm.addEventListener("submit", function () {
      if (rememberBox.checked) {
        var values = {};
        FIELDS.forEach(function (name) { values[name] = commentForm.elements[name].value.trim(); });
        store.setItem(KEY, JSON.stringify(values));
      } else {
        store.removeItem(KEY);
      }
    });
  }

  // An old address from before a move from WordPress ends in its #comment-123, which no
  // element here bears: the site knows where that comment stands now (voorproef.wordpress).
  var moved = /^#comment-(\d+)$/.exec(window.location.hash);
  if (moved && !document.getElementById(moved[0].slice(1))) {
    window.location.replace(
      "/wordpress/reactie/" + moved[1] + "/?op=" + encodeURIComponent(window.location.pathname)
    );
  }
})();
