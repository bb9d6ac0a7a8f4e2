export const api = (path, token) =>
  fetch(`${process.env.REACT_APP_API_URL}${path}`, { headers: { Authorization: `Bearer ${token}` } });
