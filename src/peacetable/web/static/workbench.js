// peacetable workbench: every change goes through the JSON API (with the CSRF token),
// the pages themselves only read. No inline script anywhere (the CSP forbids it).
"use strict";

(function () {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

  async function api(method, url, body) {
    const headers = { "X-CSRF-Token": csrf(), Accept: "application/json" };
    const init = { method, headers, credentials: "same-origin" };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      return { ok: false, status: 0, data: { detail: "the server cannot be reached" } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = { detail: "unexpected answer from the server (" + response.status + ")" };
    }
    return { ok: response.ok, status: response.status, data };
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Errors as the API gives them: a string, {message, problems: [{field, line, column, message}]}
  // or {message, contradictions}; *file* names an uploaded file in located problems.
  function showErrors(box, data, file) {
    if (!box) return;
    box.replaceChildren();
    const detail = data && data.detail !== undefined ? data.detail : data;
    const message = typeof detail === "string" ? detail : (detail && detail.message) || "something went wrong";
    box.appendChild(el("p", {}, message.charAt(0).toUpperCase() + message.slice(1) + "."));
    const problems = (detail && detail.problems) || [];
    if (problems.length) {
      const list = el("ul", { class: "problems" });
      for (const p of problems) {
        const where = [];
        if (file) where.push(file);
        if (p.line) where.push("line " + p.line + (p.column ? ", column " + p.column : ""));
        if (p.field) where.push("field " + p.field);
        list.appendChild(el("li", {}, (where.length ? where.join(", ") + ": " : "") + p.message));
      }
      box.appendChild(list);
    }
  }

  function fill(template, data) {
    return template.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(data[key]));
  }

  const builders = {
    create(form) {
      const body = { scenario_id: form.elements.scenario_id.value };
      if (form.elements.title.value.trim()) body.title = form.elements.title.value.trim();
      return body;
    },
    upload(form) {
      const data = new FormData();
      data.append("file", form.elements.file.files[0]);
      if (form.elements.title.value.trim()) data.append("title", form.elements.title.value.trim());
      return data;
    },
    invite(form) {
      const role = form.querySelector('input[name="role"]:checked').value;
      const body = { role, label: form.elements.label.value };
      if (role === "party") body.party = form.elements.party.value;
      return body;
    },
    draft(form) {
      const body = { title: form.elements.title.value, package: {}, wording: {}, note: form.elements.note.value };
      for (const field of form.querySelectorAll("[name]")) {
        const [kind, issue] = field.name.split(".");
        if (kind === "package") body.package[issue] = field.value;
        if (kind === "wording" && field.value.trim()) body.wording[issue] = field.value;
      }
      if (form.elements.based_on) body.based_on = Number(form.elements.based_on.value);
      return body;
    },
    respond(form) {
      const verdict = form.querySelector('input[name="verdict"]:checked');
      return {
        verdict: verdict ? verdict.value : "",
        comment: form.elements.comment.value,
        cannot_live_with: [...form.querySelectorAll('input[name="cannot_live_with"]:checked')].map((b) => b.value),
      };
    },
  };

  const after = {
    invite(form, data) {
      const box = document.getElementById("new-links");
      const who = data.party ? "the delegate of " + data.party : "an observer";
      const row = el("div", { class: "new-link" });
      const id = "link-" + data.id;
      row.appendChild(el("label", { for: id }, "Link for " + who + " (shown once; send it privately)"));
      const input = el("input", { id, readonly: "", value: data.link, "data-invite-link": data.party || "observer" });
      row.appendChild(input);
      const copy = el("button", { type: "button", "data-copy": id }, "Copy link");
      row.appendChild(copy);
      box.appendChild(row);
      refreshLive();
      return true;
    },
  };

  async function submitForm(event) {
    const form = event.target;
    const kind = form.dataset.kind;
    if (!kind || !builders[kind]) return;
    event.preventDefault();
    const errors = form.querySelector(".form-errors");
    const body = builders[kind](form);
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    const result = await api("POST", form.dataset.api, body);
    if (button) button.disabled = false;
    if (!result.ok) {
      const file = kind === "upload" && form.elements.file.files[0] ? form.elements.file.files[0].name : null;
      showErrors(errors, result.data, file);
      if (errors) errors.focus();
      return;
    }
    if (errors) errors.replaceChildren();
    if (after[kind] && after[kind](form, result.data)) return;
    if (form.dataset.next) {
      window.location.assign(fill(form.dataset.next, result.data));
    } else {
      window.location.reload();
    }
  }

  async function clicked(event) {
    const target = event.target.closest("button");
    if (!target) return;
    if (target.dataset.copy) {
      const input = document.getElementById(target.dataset.copy);
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
        target.textContent = "Copied";
      } catch (err) {
        target.textContent = "Selected: press Ctrl+C";
      }
    } else if (target.dataset.publish || target.dataset.revoke) {
      target.disabled = true;
      const result = target.dataset.publish
        ? await api("POST", target.dataset.publish)
        : await api("DELETE", target.dataset.revoke);
      target.disabled = false;
      if (result.ok) window.location.reload();
      else showErrors(document.getElementById("publish-errors") || document.querySelector(".form-errors"), result.data);
    } else if (target.dataset.reload !== undefined) {
      window.location.reload();
    }
  }

  // Live updates: poll the negotiation's record size; when it grows, refresh the live parts
  // of the page (or offer to reload the page where no part can be refreshed in place).
  let knownSize = null;
  async function refreshLive() {
    const parts = document.querySelectorAll("[data-live]");
    for (const part of parts) {
      try {
        const response = await fetch(part.dataset.live, { credentials: "same-origin" });
        if (response.ok) part.innerHTML = await response.text();
      } catch (err) {
        /* the next poll tries again */
      }
    }
    return parts.length;
  }

  async function poll(note) {
    let result;
    try {
      const response = await fetch(note.dataset.poll, { credentials: "same-origin" });
      if (!response.ok) return;
      result = await response.json();
    } catch (err) {
      return;
    }
    if (knownSize === null) knownSize = Number(note.dataset.size);
    if (result.record_size === knownSize) return;
    knownSize = result.record_size;
    if (await refreshLive()) {
      note.textContent = "Updated just now.";
    } else if (!note.querySelector("button")) {
      note.replaceChildren(el("span", {}, "Something new happened in this negotiation. "));
      note.appendChild(el("button", { type: "button", class: "quiet", "data-reload": "" }, "Show it"));
    }
  }

  function charts() {
    if (typeof window.Plotly === "undefined") return;
    for (const box of document.querySelectorAll("[data-chart]")) {
      const chart = JSON.parse(box.dataset.chart);
      const colors = chart.accepts
        ? chart.accepts.map((a) => (a ? "#0b6e4f" : "#b3541e"))
        : chart.values.map(() => "#0b5f8a");
      const trace = {
        type: "bar", x: chart.labels, y: chart.values, marker: { color: colors },
        text: chart.values.map((v) => v + " %"), textposition: "auto", hoverinfo: "x+text",
      };
      const layout = {
        title: { text: chart.title, font: { size: 13 } }, height: 260, margin: { l: 40, r: 10, t: 50, b: 40 },
        yaxis: { range: [0, 100], ticksuffix: " %" }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      };
      window.Plotly.newPlot(box, [trace], layout, { displayModeBar: false, responsive: true, staticPlot: true });
    }
  }

  // The draft's outlook (robustness and ripeness in brief): slower than the analysis, so the
  // page asks for it after loading and fills the section when it arrives.
  async function outlook(section) {
    const box = section.querySelector(".outlook-answer");
    const result = await api("GET", section.dataset.outlook);
    const parts = [];
    if (!result.ok) {
      const detail = result.data && result.data.detail;
      const message = typeof detail === "string" ? detail : (detail && detail.message) || "something went wrong";
      parts.push(el("p", { class: "error" }, "The outlook could not be worked out: " + message + "."));
    } else {
      const o = result.data.outlook;
      for (const [key, heading] of [["robustness", "How sure"], ["ripeness", "When"]]) {
        parts.push(el("h4", {}, heading));
        const list = el("ul", { class: "outlook-" + key });
        for (const sentence of o.summary[key]) list.appendChild(el("li", {}, sentence));
        parts.push(list);
      }
      const how = [];
      if (o.robustness.answered) how.push(o.robustness.samples.toLocaleString("en") + " sampled worlds for how sure");
      if (o.ripeness.answered) {
        how.push(o.ripeness.samples.toLocaleString("en") + " for when, " + o.ripeness.horizon + " months ahead");
      }
      if (how.length) parts.push(el("p", { class: "meta" }, "Estimates over " + how.join("; ") + "."));
    }
    box.replaceChildren(...parts);
    box.setAttribute("aria-busy", "false");
  }

  window.peacetable = { api, showErrors, el };
  document.addEventListener("submit", submitForm);
  document.addEventListener("click", clicked);
  document.addEventListener("DOMContentLoaded", () => {
    charts();
    for (const section of document.querySelectorAll("[data-outlook]")) outlook(section);
    const invite = document.getElementById("invite-form");
    if (invite) {
      const sync = () => {
        const party = invite.querySelector('input[name="role"]:checked').value === "party";
        invite.elements.party.disabled = !party;
      };
      invite.addEventListener("change", sync);
      sync();
    }
    const note = document.querySelector("[data-poll]");
    if (note) setInterval(() => poll(note), Number(note.dataset.interval || 3000));
  });
})();
