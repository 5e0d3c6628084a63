/*
 * Cite controls: the copy button copies the reference shown next to it.
 * The report's control is written whole; a section's is made here under its heading, and its
 * reference when it is first opened,
 * from the page's one template (script#cite-parts in the head, written by shufa.plugins.citation): the
 * reference with the section's name and anchor put in, a chooser of the section itself or one
 * of its items (which it names by the section's name and the item's place), and the copy
 * button. Every text is set as text, never as markup.
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
    const anchor = control.dataset.shown || control.dataset.anchor || "";
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

  const setUpCopy = (button) => {
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
  };

  const readParts = () => {
    const script = document.getElementById("cite-parts");
    if (!script) return null;
    try {
      return JSON.parse(script.textContent);
    } catch (e) {
      return null;
    }
  };

  // The reference of part `anchor` named `name`, as a span.cite-text like the report's.
  const reference = (data, anchor, name) => {
    const put = (text) => text.split(data.slots.name).join(name).split(data.slots.anchor).join(anchor);
    const text = document.createElement("span");
    text.className = "cite-text";
    data.template.forEach(([kind, run]) => {
      if (!kind) {
        text.append(put(run));
        return;
      }
      const span = document.createElement("span");
      span.className = kind === "accessed" ? "cite-accessed" : "cite-url";
      if (kind === "url" && data.own) span.dataset.own = "true";
      span.textContent = put(run);
      text.append(span);
    });
    return text;
  };

  // How item `anchor` begins on the page: its marker and the first `length` characters of its
  // run-in label (一是强化统筹部署。), as the chooser names it.
  const beginning = (anchor, length) => {
    const paragraph = document.getElementById(anchor)?.querySelector(":scope > p");
    if (!paragraph) return "";
    const marker = paragraph.querySelector(":scope > .marker");
    const label = paragraph.querySelector(":scope > .run-in");
    const start = label ? Array.from(label.textContent).slice(0, length).join("") : "";
    return (marker ? marker.textContent : "") + start;
  };

  // A part's name: the data's, else its heading as the page shows it (without its # link).
  const partName = (part, anchor) => {
    if (typeof part.name === "string") return part.name;
    const heading = document.getElementById(anchor)?.firstElementChild;
    if (!heading) return "";
    return [...heading.childNodes]
      .filter((node) => !(node.classList && node.classList.contains("headerlink")))
      .map((node) => node.textContent)
      .join("")
      .trim();
  };

  const fillPart = (control, data) => {
    const own = control.dataset.anchor;
    const found = Object.prototype.hasOwnProperty.call(data.parts, own) ? data.parts[own] : null;
    if (!found) return;
    const part = { ...found, name: partName(found, own) };
    const shown = document.createElement("p");
    shown.className = "cite-reference";
    const show = (anchor) => {
      const item = part.items.find((entry) => entry[0] === anchor);
      const name = item ? part.name + data.join + item[1] : part.name;
      control.dataset.shown = anchor;
      shown.replaceChildren(reference(data, anchor, name));
      fillIn(control);
    };
    if (part.items.length) {
      const chooser = document.createElement("select");
      chooser.className = "cite-choice";
      chooser.setAttribute("aria-label", "引用哪一部分");
      const option = (value, label) => {
        const element = document.createElement("option");
        element.value = value;
        element.textContent = label;
        chooser.append(element);
      };
      option(own, "本部分");
      part.items.forEach(([anchor, place]) => {
        const label = beginning(anchor, data.label);
        option(anchor, label ? `${place}　${label}` : place);
      });
      let wanted = window.location.hash.slice(1);
      try {
        wanted = decodeURIComponent(wanted);
      } catch (e) {
        // a fragment that is no valid escape: compared as it is
      }
      if (part.items.some((entry) => entry[0] === wanted)) chooser.value = wanted;
      chooser.addEventListener("change", () => show(chooser.value));
      const row = document.createElement("p");
      row.className = "cite-chooser";
      row.append(chooser);
      control.append(row);
    }
    control.append(shown);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cite-copy";
    button.dataset.copied = "已复制";
    button.dataset.failed = "复制失败";
    button.textContent = "复制";
    control.append(button);
    setUpCopy(button);
    const chooser = control.querySelector("select.cite-choice");
    show(chooser ? chooser.value : own);
    control.dataset.part = own;
  };

  const setUp = () => {
    document.querySelectorAll("details.cite-control, .print-citation").forEach(fillIn);
    fillInMeta();
    document.querySelectorAll("details.cite-control button.cite-copy").forEach(setUpCopy);
    const data = readParts();
    if (!data) return;
    // Each part's control, made here under its heading: it cites through this script, and a page
    // without one has nothing to open (and no bytes for it).
    const own = (key) => Object.prototype.hasOwnProperty.call(data.parts, key);
    document.querySelectorAll("section.report-section, section.report-closing").forEach((part) => {
      const heading = part.firstElementChild;
      if (!own(part.id) || !heading || !/^H[1-6]$/.test(heading.tagName)) return;
      const control = document.createElement("details");
      control.className = "cite-control no-search cite-section";
      control.dataset.anchor = part.id;
      const summary = document.createElement("summary");
      summary.textContent = "引用本部分";
      control.append(summary);
      heading.after(control);
      control.addEventListener("toggle", () => {
        if (control.open && !control.dataset.part) fillPart(control, data);
      });
    });
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
