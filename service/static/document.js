// Trang văn bản đang xử lý: hỏi trạng thái mỗi giây, tải lại trang khi xong hoặc lỗi.
(function () {
  "use strict";
  var box = document.getElementById("status");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var stage = box.querySelector(".stage");
  var bar = box.querySelector("progress");
  if (!stage) { return; }   // already failed
  function tick() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status !== 200) { return; }
      var st = JSON.parse(xhr.responseText);
      if (st.status === "done" || st.status === "failed") { window.location.reload(); return; }
      stage.textContent = st.stage_vi || "đang chờ";
      if (bar && st.progress && st.progress.total > 0) { bar.max = st.progress.total; bar.value = st.progress.done; }
      setTimeout(tick, 1000);
    };
    xhr.onerror = function () { setTimeout(tick, 3000); };
    xhr.send();
  }
  setTimeout(tick, 1000);
})();
