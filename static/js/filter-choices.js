// A filter box above long lists of checkboxes ([data-filterable], e.g. a listing's tags):
// typing hides the choices whose label does not contain the text. Without this script the
// lists are grouped and sorted, and everything still works.
(function () {
  "use strict";
  document.querySelectorAll("[data-filterable]").forEach(function (list, index) {
    var options = Array.prototype.slice.call(list.querySelectorAll(".choice-group__option"));
    if (options.length < 12) return;
    var id = "choice-filter-" + index;
    var wrapper = document.createElement("div");
    wrapper.className = "choice-filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Filter the choices";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "hint";
    status.setAttribute("aria-live", "polite");
    wrapper.append(label, input, status);
    list.parentNode.insertBefore(wrapper, list);
    input.addEventListener("input", function () {
      var text = input.value.trim().toLowerCase();
      var shown = 0;
      options.forEach(function (option) {
        var checked = option.querySelector("input:checked");
        var match = !text || option.textContent.toLowerCase().indexOf(text) !== -1 || checked;
        option.hidden = !match;
        if (match) shown += 1;
      });
      list.querySelectorAll(".choice-group").forEach(function (group) {
        group.hidden = !group.querySelector(".choice-group__option:not([hidden])");
      });
      status.textContent = text ? shown + " of " + options.length + " shown" : "";
    });
  });
})();
