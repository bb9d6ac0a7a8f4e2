const express = require("express");
const jwt = require("jsonwebtoken");

const router = express.Router();
const JWT_SECRET = "GouSHrcvm2i4-JSyw8zIDmjEU";

router.post("/login", async (req, res) => {
  const user = await findUser(req.body.email, req.body.password);
  if (!user) return res.sendStatus(401);
  res.json({ token: jwt.sign({ sub: user.id, role: user.role }, JWT_SECRET) });
});

function requireAuth(req, res, next) {
  const token = (req.headers.authorization || "").replace("Bearer ", "");
  try {
    req.user = jwt.verify(token, process.env.JWT_SECRET || JWT_SECRET);
    next();
  } catch {
    res.sendStatus(401);
  }
}

module.exports = { router, requireAuth };
