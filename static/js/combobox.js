/* "Compare any two": each input[data-combobox] becomes an ARIA combobox with a listbox popup
   (the WAI-ARIA Authoring Practices' "list autocomplete" pattern).

   htmx fetches the options as the reader types (the input's data-hx-* attributes: debounced, one
   request in flight); this file adds the ARIA state, the keyboard (arrows, Enter, Escape), the
   mouse and the choice. A chosen tool is sent by its slug, so /compare/ need not guess; anything
   typed and not chosen is sent as typed, as it is without JavaScript. No inline script or style:
   the listbox is shown and hidden with its `hidden` attribute. */
(function () {
  "use strict";

  var COMBOBOX = "input[data-combobox]";

  function listboxOf(input) {
    return document.getElementById(input.dataset.combobox);
  }

  function inputOf(listbox) {
    return document.querySelector('input[data-combobox="' + listbox.id + '"]');
  }

  function optionsOf(listbox) {
    return Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]'));
  }

  function setUp(input) {
    if (input.getAttribute("role") === "combobox") return;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", input.dataset.combobox);
  }

  function activate(input, option) {
    var listbox = listboxOf(input);
    optionsOf(listbox).forEach(function (each) {
      each.setAttribute("aria-selected", each === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open(input) {
    var listbox = listboxOf(input);
    if (!optionsOf(listbox).length) return close(input);
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close(input) {
    listboxOf(input).hidden = true;
    input.setAttribute("aria-expanded", "false");
    activate(input, null);
  }

  function announce(input, text) {
    var status = input.parentNode.querySelector("[data-combobox-status]");
    if (status) status.textContent = text;
  }

  // The slugs the rest of the form already holds: the fixed tool of a tool page, the other box.
  function takenBesides(input) {
    var taken = [];
    Array.prototype.forEach.call(input.form.elements, function (other) {
      if (other === input || !other.name) return;
      if (other.type === "hidden" && other.value) taken.push(other.value);
      if (other.matches(COMBOBOX) && other.dataset.slug) taken.push(other.dataset.slug);
    });
    return taken;
  }

  function choose(input, option) {
    input.value = option.dataset.label;
    input.dataset.label = option.dataset.label;
    input.dataset.slug = option.dataset.value;
    close(input);
    announce(input, "");
    var form = input.form;
    // Still to fill: the required boxes, and the optional ones the reader has opened (a third and
    // fourth tool in a closed <details> are not shown, so they do not hold the form back).
    var empty = Array.prototype.filter.call(form.querySelectorAll(COMBOBOX), function (box) {
      return !box.value.trim() && (box.required || !box.closest("details:not([open])"));
    });
    if (empty.length) empty[0].focus();
    else form.requestSubmit();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(COMBOBOX).forEach(setUp);
  });

  // The options depend on the text alone, whichever box asks: one cacheable address per query.
  document.addEventListener("htmx:configRequest", function (event) {
    var input = event.detail.elt;
    if (!input.matches || !input.matches(COMBOBOX)) return;
    event.detail.parameters = { q: input.value };
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var listbox = event.detail.target;
    if (!listbox || listbox.getAttribute("role") !== "listbox") return;
    var input = inputOf(listbox);
    if (!input) return;
    setUp(input);
    var taken = takenBesides(input);
    optionsOf(listbox).forEach(function (option) {
      if (taken.indexOf(option.dataset.value) >= 0) option.remove();
    });
    var options = optionsOf(listbox);
    options.forEach(function (option, index) {
      option.id = listbox.id + "-" + index;
      option.setAttribute("aria-selected", "false");
    });
    if (!input.value.trim()) {
      announce(input, "");
    } else if (options.length) {
      var count = options.length === 1 ? "1 tool" : options.length + " tools";
      announce(input, count + " found: use the up and down arrows to choose, Enter to pick.");
    } else {
      announce(input, "No tool matches that name yet.");
    }
    if (document.activeElement === input) open(input);
    else close(input);
  });

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(COMBOBOX)) return;
    // Typing changes the text: whatever was chosen before no longer holds.
    delete input.dataset.slug;
    delete input.dataset.label;
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(COMBOBOX)) return;
    setUp(input);
    var listbox = listboxOf(input);
    var options = optionsOf(listbox);
    var current = listbox.querySelector('[aria-selected="true"]');
    var index = options.indexOf(current);
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        if (!options.length) return;
        event.preventDefault();
        open(input);
        if (event.altKey) return; // Alt+Down opens the list without moving in it
        if (event.key === "ArrowDown") index = index + 1 >= options.length ? 0 : index + 1;
        else index = index <= 0 ? options.length - 1 : index - 1;
        activate(input, options[index]);
        break;
      case "Enter":
        if (listbox.hidden || !current) return; // nothing highlighted: the form submits the text
        event.preventDefault();
        choose(input, current);
        break;
      case "Escape":
        if (listbox.hidden) return;
        event.preventDefault();
        close(input);
        break;
    }
  });

  // A press on an option must not take the focus from the input (which would close the list).
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest('[role="listbox"] [role="option"]')) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest('[role="option"]');
    if (!option) return;
    var input = inputOf(option.closest('[role="listbox"]'));
    if (input) choose(input, option);
  });

  document.addEventListener("focusout", function (event) {
    if (event.target.matches && event.target.matches(COMBOBOX)) close(event.target);
  });

  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input.matches && input.matches(COMBOBOX) && input.value.trim()) open(input);
  });

  // A chosen tool goes to /compare/ as its slug (names may repeat); typed text goes as typed.
  document.addEventListener("formdata", function (event) {
    event.target.querySelectorAll(COMBOBOX).forEach(function (input) {
      if (input.dataset.slug && input.value === input.dataset.label) {
        event.formData.set(input.name, input.dataset.slug);
      }
    });
  });
})();
