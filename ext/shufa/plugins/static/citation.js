/*
 * Cite controls: the copy button copies the reference shown next to it.
 * The reference is made paste-ready here, when the page opens and again when it is copied:
 * the access date (引用日期, span.cite-accessed) becomes the reader's today, and a URL that is
 * the page's own (span.cite-url[data-own]: the site was built without html_baseurl) becomes
 * the address the page is read at, with the part's anchor. The citation_public_url meta tag
 * gets the same address, for reference managers, and the reference printed on paper
 * (.print-citation, shown by the print stylesheet) the same date and address.
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

  const pad = (n) => String(n).padStart(2, "0");

  const today = () => {
    const now = new Date();
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  };

  // The page's own address, without its query and fragment.
  const pageAddress = () => window.location.href.split("#")[0].split("?")[0];

  const fillIn = (control) => {
    const date = today();
    control.querySelectorAll(".cite-accessed").forEach((span) => {
      span.textContent = date;
    });
    const anchor = control.dataset.anchor || "";
    control.querySelectorAll(".cite-url[data-own]").forEach((span) => {
      span.textContent = pageAddress() + (anchor ? `#${anchor}` : "");
    });
  };

  const fillInMeta = () => {
    const meta = document.querySelector('meta[name="citation_public_url"]');
    if (meta && !/^[a-z][a-z0-9+.-]*:/i.test(meta.getAttribute("content") || "")) {
      meta.setAttribute("content", pageAddress());
    }
  };

  const setUp = () => {
    document.querySelectorAll("details.cite-control, .print-citation").forEach(fillIn);
    fillInMeta();
    document.querySelectorAll("details.cite-control button.cite-copy").forEach((button) => {
      const label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", async () => {
        const control = button.closest("details.cite-control");
        fillIn(control); // the day of copying, should the page have stayed open past midnight
        const text = control.querySelector(".cite-text").textContent;
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
