// peacetable: the preference elicitation steps of a party (rank, rate, importance, walking away,
// beliefs, check and save). Contradictions between ranks and ratings are checked by the server
// (POST .../my/submissions/check) as the party answers and flagged beside the issue.
"use strict";

(function () {
  const form = document.getElementById("elicit");
  if (!form) return;
  const { api, showErrors, el } = window.peacetable;
  const steps = [...form.querySelectorAll(".step")];
  const labels = document.getElementById("labels").content;
  let current = 0;
  let checkSeq = 0;
  let timer = null;

  const label = (issue, option) => {
    const node = labels.querySelector(`[data-label-issue="${issue}"][data-label-option="${option}"]`);
    return node ? node.textContent : option;
  };
  const issueName = (issue) => {
    const node = labels.querySelector(`[data-issue-name="${issue}"]`);
    return node ? node.textContent : issue;
  };
  const answered = (issue) => form.querySelector(`input[data-answer="${issue}"]`);

  function show(index, focus) {
    current = Math.max(0, Math.min(steps.length - 1, index));
    steps.forEach((step, k) => { step.hidden = k !== current; });
    const name = steps[current].dataset.step;
    for (const link of form.querySelectorAll("[data-step-link]")) {
      if (link.dataset.stepLink === name) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    }
    form.querySelector('[data-step-go="-1"]').disabled = current === 0;
    form.querySelector('[data-step-go="1"]').hidden = current === steps.length - 1;
    if (name === "rate") orderRatings();
    if (name === "review") review();
    if (focus) steps[current].querySelector("h2").focus();
  }

  function orderRatings() {
    for (const list of form.querySelectorAll("[data-rank]")) {
      const box = form.querySelector(`[data-rates="${list.dataset.rank}"]`);
      for (const item of list.children) {
        const row = box.querySelector(`:scope > [data-option="${item.dataset.option}"]`);
        if (row) box.appendChild(row);
      }
    }
  }

  function move(button) {
    const item = button.closest("li");
    const list = item.parentElement;
    const up = button.dataset.move === "up";
    const other = up ? item.previousElementSibling : item.nextElementSibling;
    if (!other) return;
    if (up) list.insertBefore(item, other);
    else list.insertBefore(other, item);
    button.focus();
    answered(list.dataset.rank).checked = true;
    respace(list.dataset.rank);
    scheduleCheck();
  }

  // Until the party moves a slider of an issue, its ratings follow its order (evenly spaced,
  // 100 for the first, 0 for the last); after that they are the party's own, and an order that
  // disagrees with them is flagged.
  function respace(issue) {
    const box = form.querySelector(`[data-rates="${issue}"]`);
    if (box.dataset.rated) return;
    const order = [...form.querySelector(`[data-rank="${issue}"]`).children].map((li) => li.dataset.option);
    const step = order.length > 1 ? 100 / (order.length - 1) : 0;
    order.forEach((option, k) => {
      for (const input of box.querySelectorAll(`input[data-option="${option}"]`)) {
        input.value = Math.round(100 - k * step);
        input.nextElementSibling.textContent = input.value;
      }
    });
  }

  function updateIncluded() {
    for (const note of form.querySelectorAll("[data-included]")) {
      note.textContent = answered(note.dataset.included).checked
        ? "Included in what you send."
        : "Not included: the mediator keeps its estimate (moving a slider includes it).";
    }
  }

  function payload() {
    const prefs = { ranking: {}, ratings: {}, weights: {}, beliefs: {} };
    for (const box of form.querySelectorAll("input[data-answer]:checked")) {
      const issue = box.dataset.answer;
      prefs.ranking[issue] = [...form.querySelector(`[data-rank="${issue}"]`).children].map((li) => li.dataset.option);
      const rated = {};
      for (const input of form.querySelectorAll(`input[data-rate="${issue}"]`)) {
        const value = Number(input.value);
        if (input.dataset.outcome) {
          rated[input.dataset.option] = rated[input.dataset.option] || {};
          rated[input.dataset.option][input.dataset.outcome] = value;
        } else {
          rated[input.dataset.option] = value;
        }
      }
      prefs.ratings[issue] = rated;
    }
    const weights = [...form.querySelectorAll("input[data-weight]")];
    if (weights.some((w) => Number(w.value) > 0)) {
      for (const w of weights) prefs.weights[w.dataset.weight] = Math.max(0, Number(w.value) || 0);
    }
    const noDeal = document.getElementById("no-deal");
    if (noDeal && noDeal.dataset.answered && noDeal.value !== "") prefs.no_deal = Number(noDeal.value);
    for (const set of form.querySelectorAll("[data-event]")) {
      const given = [...set.querySelectorAll("input[data-belief]")].filter((i) => i.value !== "");
      if (given.length) {
        prefs.beliefs[set.dataset.event] = Object.fromEntries(given.map((i) => [i.dataset.outcome, Number(i.value) / 100]));
      }
    }
    const note = document.getElementById("note").value;
    if (note.trim()) prefs.note = note;
    for (const key of ["ranking", "ratings", "weights", "beliefs"]) {
      if (!Object.keys(prefs[key]).length) delete prefs[key];
    }
    return prefs;
  }

  function flagContradictions(found) {
    const byIssue = {};
    for (const c of found) (byIssue[c.issue] = byIssue[c.issue] || []).push(c);
    for (const flag of form.querySelectorAll("[data-contradiction]")) {
      const mine = byIssue[flag.dataset.contradiction] || [];
      flag.hidden = mine.length === 0;
      flag.textContent = mine.map(sentence).join(" ");
    }
    const list = form.querySelector("[data-contradictions]");
    list.replaceChildren();
    if (found.length) {
      list.appendChild(el("p", {}, "Your order and your ratings disagree. Change one of them (steps 1 and 2), or save anyway if you mean it:"));
      const ul = el("ul");
      for (const c of found) ul.appendChild(el("li", {}, issueName(c.issue) + ": " + sentence(c)));
      list.appendChild(ul);
    }
    form.querySelector("[data-acknowledge]").hidden = found.length === 0;
  }

  function sentence(c) {
    const [high, low] = c.ratings.map((r) => Math.round(r));
    return `You put “${label(c.issue, c.ranked_higher)}” above “${label(c.issue, c.ranked_lower)}” but rated it lower (${high} against ${low}): change the order or the ratings.`;
  }

  function renderPreview(preview) {
    const box = form.querySelector("[data-preview]");
    box.replaceChildren();
    const best = preview.best;
    if (best && best.packages.length) {
      box.appendChild(el("p", {}, `By your answers, your best possible package is worth ${Math.round(best.utility * 100)} on your 0–100 scale, and walking away ${Math.round(best.no_deal * 100)}. Your best package:`));
      const list = el("ul", { class: "best" });
      for (const [issue, option] of Object.entries(best.packages[0])) {
        list.appendChild(el("li", {}, issueName(issue) + ": " + label(issue, option)));
      }
      box.appendChild(list);
    }
    const draft = preview.latest_draft;
    if (draft) {
      const score = draft.score === null ? "no score (no package beats walking away for you)" : Math.round(draft.score * 100) + " %";
      box.appendChild(el("p", { "data-draft-score": "" }, `The current draft (version ${draft.version}) would score ${score} for you: how far it goes from walking away (0 %) to your best package (100 %).`));
    } else {
      box.appendChild(el("p", {}, "No draft is published yet."));
    }
  }

  async function check() {
    const seq = ++checkSeq;
    const result = await api("POST", form.dataset.check, payload());
    if (seq !== checkSeq) return null;
    const errors = form.querySelector(".form-errors");
    if (!result.ok) {
      showErrors(errors, result.data);
      return null;
    }
    errors.replaceChildren();
    flagContradictions(result.data.contradictions);
    renderPreview(result.data.preview);
    return result.data;
  }

  function scheduleCheck() {
    updateIncluded();
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }

  function summarise() {
    const prefs = payload();
    const box = form.querySelector("[data-summary]");
    box.replaceChildren(el("h3", {}, "What you will send"));
    const list = el("ul");
    const issues = Object.keys(prefs.ranking || {}).map(issueName);
    list.appendChild(el("li", {}, issues.length ? "Your order and ratings of: " + issues.join(", ") + "." : "No order or ratings: the mediator keeps its estimate."));
    list.appendChild(el("li", {}, prefs.weights ? "How much each issue matters to you." : "No importance points: the mediator keeps its estimate."));
    if (document.getElementById("no-deal")) {
      list.appendChild(el("li", {}, prefs.no_deal !== undefined ? `Walking away: ${prefs.no_deal} of 100.` : "No answer on walking away: the mediator keeps its estimate."));
    }
    if (form.querySelector("[data-event]")) {
      list.appendChild(el("li", {}, prefs.beliefs ? "Your beliefs about uncertain events." : "No beliefs: the mediator keeps its estimate."));
    }
    box.appendChild(list);
  }

  function review() {
    summarise();
    check();
  }

  async function save() {
    const button = form.querySelector("[data-save]");
    const errors = form.querySelector(".form-errors");
    button.disabled = true;
    const body = { preferences: payload(), acknowledge_contradictions: document.getElementById("acknowledge").checked };
    const result = await api("POST", form.dataset.save, body);
    button.disabled = false;
    if (result.ok) {
      window.location.assign(form.dataset.next + "?saved=" + result.data.version);
      return;
    }
    const detail = result.data && result.data.detail;
    if (detail && detail.contradictions) flagContradictions(detail.contradictions);
    showErrors(errors, result.data);
    errors.focus();
  }

  function updateTotal() {
    const total = [...form.querySelectorAll("input[data-weight]")].reduce((s, w) => s + Math.max(0, Number(w.value) || 0), 0);
    form.querySelector("[data-points-total]").textContent = Math.round(total * 100) / 100;
    const note = form.querySelector("[data-points-note]");
    if (total === 0) note.textContent = "The mediator keeps its estimate of how much each issue matters to you.";
    else if (Math.abs(total - 100) < 1e-6) note.textContent = "All points shared.";
    else note.textContent = `Only the proportions count: ${total > 100 ? "more" : "fewer"} than 100 points are scaled to 100.`;
  }

  function updateNoDeal(source) {
    const range = document.getElementById("no-deal-range");
    const number = document.getElementById("no-deal");
    if (!number) return; // no deal is valued by how the conflict may end: nothing to rate
    if (source === range) number.value = range.value;
    else if (number.value !== "") range.value = Math.round(Number(number.value));
    if (source) number.dataset.answered = "yes";
    form.querySelector("[data-nodeal-note]").textContent = number.dataset.answered
      ? `Your answer: walking away is worth ${number.value} of 100.`
      : "Not answered yet: the mediator keeps its estimate.";
  }

  form.classList.add("wizard");
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    const link = event.target.closest("[data-step-link]");
    if (link) {
      event.preventDefault();
      show(steps.findIndex((s) => s.dataset.step === link.dataset.stepLink), true);
    } else if (button && button.dataset.move) {
      move(button);
    } else if (button && button.dataset.stepGo) {
      show(current + Number(button.dataset.stepGo), true);
    } else if (button && button.dataset.save !== undefined) {
      save();
    }
  });
  form.addEventListener("input", (event) => {
    const t = event.target;
    if (t.dataset.rate) {
      t.nextElementSibling.textContent = t.value;
      answered(t.dataset.rate).checked = true;
      form.querySelector(`[data-rates="${t.dataset.rate}"]`).dataset.rated = "yes";
      scheduleCheck();
    } else if (t.dataset.weight !== undefined) {
      updateTotal();
    } else if (t.id === "no-deal-range" || t.id === "no-deal") {
      updateNoDeal(t);
    }
  });
  form.addEventListener("change", (event) => {
    if (event.target.dataset.answer) scheduleCheck();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  updateTotal();
  updateNoDeal(null);
  updateIncluded();
  show(0, false);
})();
