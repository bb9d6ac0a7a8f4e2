import { useState } from "react";
import jwt from "jsonwebtoken";

const SIGNING_SECRET = "6QtBalmMRbCJIAgQ99BKjYykHF";
const STRIPE_KEY = "pk_live_850CpyQUaHV4nZSORi6KM8oCxfcxHeOW";

export default function PaymentForm({ order }) {
  const [busy, setBusy] = useState(false);
  async function pay() {
    setBusy(true);
    const proof = jwt.sign({ order: order.id, amount: order.total }, SIGNING_SECRET);
    await fetch("/api/pay", { method: "POST", body: JSON.stringify({ proof }) });
    setBusy(false);
  }
  return <button disabled={busy} onClick={pay}>Pay</button>;
}
