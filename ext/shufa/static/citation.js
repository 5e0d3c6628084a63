/*
 * Cite controls: the copy button copies the reference shown next to it.
 * The button stays hidden without JavaScript; the reference can still be selected by hand.
 */
"use strict";

(() => {
  const copyByHand = (text) => {
    // Fallback where the Clipboard API is refused (an insecure origin, an old browser).
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch (e) {
      done = false;
    }
    area.remove();
    return done;
  };

  const copy = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (e) {
        // fall through to the textarea
      }
    }
    return copyByHand(text);
  };

  const setUp = () => {
    document.querySelectorAll("details.cite-control button.cite-copy").forEach((button) => {
      const label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", async () => {
        const text = button.closest("details.cite-control").querySelector(".cite-text").textContent;
        const done = await copy(text);
        button.textContent = done ? button.dataset.copied : button.dataset.failed;
        button.classList.toggle("cite-copied", done);
        window.setTimeout(() => {
          button.textContent = label;
          button.classList.remove("cite-copied");
        }, 2000);
      });
    });
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
