/*
 * Newsdesk's own script: choosing a claim (highlight it in every pane, scroll each pane to
 * it, open its panel), the entity marks, and the keys j/k/v/d/n. Server round-trips go through
 * htmx; every link here also works without this file (it only saves the page reload).
 * No inline scripts or handlers anywhere, so a Content-Security-Policy of script-src 'self'
 * holds.
 */
(function () {
  "use strict";

  var page = document.querySelector("[data-story-page]");
  if (!page) {
    return;
  }
  var selected = page.dataset.selectedClaim || "";
  var smooth = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function sentencesOf(claimId) {
    return all('.sentence[data-claim-id="' + CSS.escape(String(claimId)) + '"]');
  }

  function claimUrl(claimId) {
    return page.dataset.claimUrl.replace(/\/0\/$/, "/" + encodeURIComponent(claimId) + "/");
  }

  // Scroll `box` so that `element` sits a third of the way down it, if it is not in view.
  function scrollWithin(box, element, force) {
    var boxRect = box.getBoundingClientRect();
    var rect = element.getBoundingClientRect();
    if (!force && rect.top >= boxRect.top && rect.bottom <= boxRect.bottom) {
      return;
    }
    box.scrollBy({ top: rect.top - boxRect.top - box.clientHeight / 3, behavior: smooth });
  }

  // Bring a pane into the visible part of the side-by-side strip.
  function revealPane(pane) {
    var strip = document.getElementById("panes");
    var stripRect = strip.getBoundingClientRect();
    var rect = pane.getBoundingClientRect();
    if (rect.left < stripRect.left || rect.right > stripRect.right) {
      strip.scrollBy({ left: rect.left - stripRect.left - 8, behavior: smooth });
    }
  }

  function paneVisible(pane) {
    var stripRect = document.getElementById("panes").getBoundingClientRect();
    var rect = pane.getBoundingClientRect();
    return rect.right > stripRect.left + 40 && rect.left < stripRect.right - 40;
  }

  function scrollListTo(item) {
    var box = document.getElementById("claim-list");
    if (box && item) {
      scrollWithin(box, item, false);
    }
  }

  function markSelected() {
    all(".is-selected").forEach(function (element) {
      element.classList.remove("is-selected");
    });
    if (!selected) {
      return;
    }
    sentencesOf(selected).forEach(function (sentence) {
      sentence.classList.add("is-selected");
    });
    var item = document.getElementById("claim-" + selected);
    if (item) {
      item.classList.add("is-selected");
    }
  }

  function showInPanes(claimId, source) {
    var shown = [];
    all(".pane").forEach(function (pane) {
      var first = pane.querySelector('.sentence[data-claim-id="' + CSS.escape(String(claimId)) + '"]');
      var missing = pane.querySelector(".pane-missing");
      pane.classList.toggle("lacks-claim", !first);
      if (missing) {
        missing.hidden = Boolean(first);
      }
      if (first) {
        shown.push(pane);
        if (first !== source) {
          scrollWithin(pane.querySelector(".pane-body"), first, false);
        }
      }
    });
    if (shown.length && !shown.some(paneVisible)) {
      revealPane(shown[0]);
    }
  }

  function rememberInUrl(claimId) {
    var params = new URLSearchParams(window.location.search);
    params.set("claim", claimId);
    history.replaceState(null, "", "?" + params.toString());
    var input = document.querySelector("[data-selected-claim-input]");
    if (input) {
      input.value = claimId;
    }
  }

  function selectClaim(claimId, options) {
    options = options || {};
    selected = String(claimId);
    markSelected();
    showInPanes(selected, options.source);
    scrollListTo(document.getElementById("claim-" + selected));
    if (options.load === false) {
      return;
    }
    rememberInUrl(selected);
    if (window.htmx) {
      window.htmx.ajax("GET", claimUrl(selected), { target: "#claim-panel", swap: "innerHTML scroll:top" });
    } else {
      window.location.search = "?claim=" + encodeURIComponent(selected);
    }
  }

  function moveSelection(step) {
    var items = all("#claim-list .claim-item");
    if (!items.length) {
      return;
    }
    var index = items.findIndex(function (item) {
      return item.dataset.claimId === selected;
    });
    var next = index < 0 ? (step > 0 ? 0 : items.length - 1) : index + step;
    next = Math.max(0, Math.min(items.length - 1, next));
    if (next === index) {
      return;
    }
    selectClaim(items[next].dataset.claimId);
    var link = items[next].querySelector("a");
    if (link) {
      link.focus({ preventScroll: true });
    }
  }

  function toggleEntity(link) {
    var turnOn = link.getAttribute("aria-pressed") !== "true";
    all(".entity-link").forEach(function (other) {
      other.setAttribute("aria-pressed", "false");
      other.classList.remove("is-marked");
    });
    all(".sentence.is-marked").forEach(function (sentence) {
      sentence.classList.remove("is-marked");
    });
    if (!turnOn) {
      return;
    }
    link.setAttribute("aria-pressed", "true");
    link.classList.add("is-marked");
    var firstInPane = new Map();
    (link.dataset.sentenceIds || "").split(" ").forEach(function (id) {
      var sentence = id && document.querySelector('[data-sentence-id="' + CSS.escape(id) + '"]');
      if (sentence) {
        sentence.classList.add("is-marked");
        var pane = sentence.closest(".pane");
        if (pane && !firstInPane.has(pane)) {
          firstInPane.set(pane, sentence);
        }
      }
    });
    firstInPane.forEach(function (sentence, pane) {
      scrollWithin(pane.querySelector(".pane-body"), sentence, false);
    });
  }

  function jumpToSentence(sentenceId) {
    var sentence = document.getElementById("s-" + sentenceId);
    if (!sentence) {
      return;
    }
    var pane = sentence.closest(".pane");
    revealPane(pane);
    scrollWithin(pane.querySelector(".pane-body"), sentence, true);
    sentence.classList.add("is-flashed");
    window.setTimeout(function () {
      sentence.classList.remove("is-flashed");
    }, 1500);
  }

  function plainClick(event) {
    return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
  }

  document.addEventListener("click", function (event) {
    if (!plainClick(event)) {
      return;
    }
    var target = event.target;
    var sentence = target.closest("a.sentence[data-claim-id]");
    if (sentence && sentence.dataset.claimId) {
      event.preventDefault();
      selectClaim(sentence.dataset.claimId, { source: sentence });
      return;
    }
    var claimLink = target.closest(".claim-link");
    if (claimLink) {
      event.preventDefault();
      selectClaim(claimLink.closest(".claim-item").dataset.claimId);
      return;
    }
    var jump = target.closest("[data-jump]");
    if (jump) {
      event.preventDefault();
      jumpToSentence(jump.dataset.jump);
      return;
    }
    var paneJump = target.closest("[data-pane-jump]");
    if (paneJump) {
      event.preventDefault();
      revealPane(document.getElementById("pane-" + paneJump.dataset.paneJump));
      return;
    }
    var entity = target.closest(".entity-link");
    if (entity) {
      event.preventDefault();
      toggleEntity(entity);
    }
  });

  function pressButton(action) {
    var button = document.querySelector('#claim-panel [data-action="' + action + '"]');
    if (button) {
      button.click();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "Escape" && target.matches("textarea")) {
        target.blur();
      }
      return;
    }
    switch (event.key) {
      case "j":
        moveSelection(1);
        break;
      case "k":
        moveSelection(-1);
        break;
      case "v":
        pressButton("verify");
        break;
      case "d":
        pressButton("dispute");
        break;
      case "n": {
        var note = document.querySelector("#claim-panel textarea[name=note]");
        if (!note) {
          return;
        }
        note.focus();
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  });

  // After a review: every sentence of the claim carries its new review state.
  document.body.addEventListener("claim-reviewed", function (event) {
    sentencesOf(event.detail.claim).forEach(function (sentence) {
      sentence.dataset.review = event.detail.review;
    });
  });

  // A filtered claim list, or a claim's row after a review, comes back without the mark.
  document.body.addEventListener("htmx:afterSettle", markSelected);

  if (selected) {
    selectClaim(selected, { load: false });
  }
})();
