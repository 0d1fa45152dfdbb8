// 用户管理: show only the scope fields of the chosen role (the server checks them anyway).
for (const form of document.querySelectorAll("form.user-form")) {
  const role = form.querySelector("select[name=role]");
  const show = () => {
    for (const field of form.querySelectorAll("[data-for-role]")) {
      field.style.display = field.dataset.forRole === role.value ? "" : "none";
    }
  };
  role.addEventListener("change", show);
  show();
}
