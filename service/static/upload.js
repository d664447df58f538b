// Tải lên nhiều tệp: mỗi tệp một thanh tiến độ; sau khi tải lên, hỏi trạng thái xử lý
// qua GET /api/v1/documents/<id> cho đến khi xong hoặc lỗi.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) { return; }
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file-input");
  var list = document.getElementById("uploads");
  var rowTemplate = document.getElementById("upload-row");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
  var maxMb = form.getAttribute("data-max-mb");
  var POLL_MS = 1000;

  function sizeText(n) {
    if (n < 1024) { return n + " B"; }
    if (n < 1048576) { return Math.round(n / 1024) + " KB"; }
    return (n / 1048576).toFixed(1).replace(".", ",") + " MB";
  }

  function newRow(file) {
    var li = rowTemplate.content.firstElementChild.cloneNode(true);
    li.querySelector(".name").textContent = file.name;   // textContent: never HTML
    li.querySelector(".size").textContent = "(" + sizeText(file.size) + ")";
    list.insertBefore(li, list.firstChild);
    return {
      li: li,
      bar: li.querySelector("progress"),
      stage: li.querySelector(".stage"),
      open: li.querySelector(".open")
    };
  }

  function fail(row, message) {
    row.li.className = "upload failed";
    row.stage.textContent = "Lỗi: " + message;
    row.bar.removeAttribute("value");
    row.bar.max = 1; row.bar.value = 0;
  }

  function errorMessage(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.error && body.error.vi) { return body.error.vi; }
    } catch (e) { /* not JSON */ }
    if (xhr.status === 413) { return "Tệp quá lớn (tối đa " + maxMb + " MB)."; }
    if (xhr.status === 0) { return "mất kết nối tới máy chủ."; }
    return "máy chủ trả lời mã " + xhr.status + ".";
  }

  function showStatus(row, st) {
    var p = st.progress || {};
    if (st.status === "done") {
      row.li.className = "upload done";
      row.bar.max = 1; row.bar.value = 1;
      row.stage.textContent = "Đã xử lý xong";
    } else if (st.status === "failed") {
      fail(row, (st.error && st.error.vi) || "không rõ nguyên nhân");
    } else {
      row.li.className = "upload running";
      if (p.total > 0) { row.bar.max = p.total; row.bar.value = Math.min(p.done, p.total); }
      else { row.bar.removeAttribute("value"); }          // indeterminate while waiting
      row.stage.textContent = "Đang xử lý: " + (st.stage_vi || "đang chờ");
    }
    if (st.url) { row.open.href = st.url; row.open.hidden = st.status !== "done" && st.status !== "failed"; }
  }

  function poll(row, url) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status !== 200) { fail(row, errorMessage(xhr)); return; }
      var st = JSON.parse(xhr.responseText);
      showStatus(row, st);
      if (st.status !== "done" && st.status !== "failed") {
        setTimeout(function () { poll(row, url); }, POLL_MS);
      }
    };
    xhr.onerror = function () { setTimeout(function () { poll(row, url); }, POLL_MS * 3); };
    xhr.send();
  }

  function upload(file) {
    var row = newRow(file);
    if (maxBytes && file.size > maxBytes) {
      fail(row, "tệp quá lớn, tối đa " + maxMb + " MB.");
      return;
    }
    var data = new FormData();
    data.append("csrf_token", csrf);
    data.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        row.bar.max = e.total; row.bar.value = e.loaded;
        row.stage.textContent = "Đang tải lên " + Math.round(100 * e.loaded / e.total) + "%";
      }
    };
    xhr.onload = function () {
      if (xhr.status !== 200 && xhr.status !== 202) { fail(row, errorMessage(xhr)); return; }
      var item = JSON.parse(xhr.responseText).items[0];
      if (item.duplicate) {
        row.li.querySelector(".name").textContent = file.name + " — đã tải lên trước đây";
      }
      showStatus(row, item.document);
      if (item.document.status !== "done" && item.document.status !== "failed") { poll(row, item.status_url); }
    };
    xhr.onerror = function () { fail(row, "mất kết nối tới máy chủ."); };
    row.stage.textContent = "Đang tải lên…";
    xhr.send(data);
  }

  function uploadAll(files) {
    for (var i = 0; i < files.length; i++) { upload(files[i]); }
  }

  input.addEventListener("change", function () { uploadAll(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files) { uploadAll(e.dataTransfer.files); }
  });
  zone.addEventListener("keydown", function (e) {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); uploadAll(input.files); });
})();
