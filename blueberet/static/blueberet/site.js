/*
 * Behaviour every page shares, kept in this file because the Content-Security-Policy allows
 * no inline script: a <select data-autosubmit> (the language switch) sends its form when
 * changed.
 */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit")) {
      field.form.submit();
    }
  });
})();
