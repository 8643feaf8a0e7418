// Drives a running ConnectGain server with @supabase/postgrest-js, as a
// Supabase user would. CG_URL is the server's base URL, CG_KEY a write key
// of a workspace seeded by api/postgrestjs_test.go. Exits non-zero on the
// first failed assertion.
import { PostgrestClient } from '@supabase/postgrest-js'
import assert from 'node:assert/strict'

const url = process.env.CG_URL + '/functions/v1/rest-api-proxy'
const db = new PostgrestClient(url, { headers: { apikey: process.env.CG_KEY, Authorization: 'Bearer ' + process.env.CG_KEY } })

const steps = []
const step = (name, fn) => steps.push([name, fn])
const ok = (r) => {
  assert.equal(r.error, null, JSON.stringify(r.error))
  return r
}

let dealID

step('select with filters and order', async () => {
  const r = ok(await db.from('deals').select('title, value, stage').ilike('title', '%order%').order('value', { ascending: false }))
  assert.deepEqual(r.data.map((d) => d.title), ['Order 3', 'Order 2', 'Order 1'])
  assert.equal(typeof r.data[0].value, 'number')
})

step('eq, in, gt', async () => {
  const r = ok(await db.from('deals').select('title').in('stage', ['new', 'won']).gt('value', 150).order('title'))
  assert.deepEqual(r.data.map((d) => d.title), ['Order 2', 'Order 3'])
})

step('or', async () => {
  const r = ok(await db.from('deals').select('title').or('value.lt.150,stage.eq.won').order('title'))
  assert.deepEqual(r.data.map((d) => d.title), ['Order 1', 'Order 3'])
})

step('range with exact count', async () => {
  const r = ok(await db.from('deals').select('title', { count: 'exact' }).order('value').range(1, 2))
  assert.equal(r.count, 3)
  assert.equal(r.status, 206)
  assert.deepEqual(r.data.map((d) => d.title), ['Order 2', 'Order 3'])
})

step('head count', async () => {
  const r = ok(await db.from('deals').select('*', { count: 'exact', head: true }))
  assert.equal(r.count, 3)
})

step('single', async () => {
  const r = ok(await db.from('deals').select('id, title').eq('title', 'Order 1').single())
  assert.equal(r.data.title, 'Order 1')
  dealID = r.data.id
  const bad = await db.from('deals').select('id').single()
  assert.equal(bad.error.code, 'PGRST116')
})

step('maybeSingle', async () => {
  const none = ok(await db.from('deals').select('id').eq('title', 'nothing').maybeSingle())
  assert.equal(none.data, null)
  const one = ok(await db.from('deals').select('title').eq('title', 'Order 2').maybeSingle())
  assert.equal(one.data.title, 'Order 2')
})

step('contains on phones (normalised)', async () => {
  const r = ok(await db.from('contacts').select('first_name').contains('phones', ['+20 101 717 7777']))
  assert.deepEqual(r.data, [{ first_name: 'Ahmed' }])
})

step('embedding', async () => {
  const r = ok(await db.from('deals').select('title, contact:contacts(first_name, phones)').eq('id', dealID).single())
  assert.deepEqual(r.data.contact, { first_name: 'Ahmed', phones: ['+201017177777'] })
  const c = ok(await db.from('contacts').select('first_name, deals(title)').order('title', { referencedTable: 'deals' }).eq('first_name', 'Ahmed').single())
  assert.deepEqual(c.data.deals.map((d) => d.title), ['Order 1', 'Order 2', 'Order 3'])
})

step('insert returning rows', async () => {
  const r = ok(await db.from('companies').insert([{ name: 'Acme', domain: 'acme.com' }, { name: 'Globex' }]).select())
  assert.equal(r.status, 201)
  assert.deepEqual(r.data.map((c) => c.name), ['Acme', 'Globex'])
  assert.equal(r.data[1].domain, null)
  const minimal = ok(await db.from('companies').insert({ name: 'Initech' }))
  assert.equal(minimal.status, 201)
})

step('insert validation error', async () => {
  const r = await db.from('deals').insert({ title: 'x', value: '11523.00' })
  assert.equal(r.status, 400)
  assert.equal(r.error.code, 'invalid_value')
})

step('upsert', async () => {
  const c = ok(await db.from('companies').select('id').eq('name', 'Acme').single())
  const r = ok(await db.from('companies').upsert({ id: c.data.id, name: 'Acme Corp' }).select('name'))
  assert.deepEqual(r.data, [{ name: 'Acme Corp' }])
  const n = ok(await db.from('companies').select('*', { count: 'exact', head: true }))
  assert.equal(n.count, 3)
})

step('update', async () => {
  const r = ok(await db.from('deals').update({ stage: 'QUALIFIED' }).eq('id', dealID).select('stage'))
  assert.deepEqual(r.data, [{ stage: 'qualified' }])
  const h = ok(await db.from('deal_stage_changes').select('from_stage, to_stage').eq('deal_id', dealID))
  assert.deepEqual(h.data, [{ from_stage: 'new', to_stage: 'qualified' }])
})

step('update without filter is refused', async () => {
  const r = await db.from('deals').update({ source: 'x' })
  assert.equal(r.error.code, '21000')
})

step('delete', async () => {
  const r = ok(await db.from('companies').delete().eq('name', 'Globex').select('name'))
  assert.deepEqual(r.data, [{ name: 'Globex' }])
  // API.md §4's deliberate difference: without Prefer: return= a write
  // answers as return=representation (200 and the rows, not 204).
  const bare = ok(await db.from('companies').delete().eq('name', 'Initech'))
  assert.equal(bare.status, 200)
  assert.deepEqual(bare.data.map((c) => c.name), ['Initech'])
  const left = ok(await db.from('companies').select('name'))
  assert.deepEqual(left.data, [{ name: 'Acme Corp' }])
})

step('csv', async () => {
  const r = ok(await db.from('deals').select('title').eq('title', 'Order 2').csv())
  assert.equal(r.data, 'title\n"Order 2"')
})

let failed = 0
for (const [name, fn] of steps) {
  try {
    await fn()
    console.log('ok   ' + name)
  } catch (e) {
    failed++
    console.log('FAIL ' + name + ': ' + (e && e.message))
  }
}
if (failed) {
  console.log(failed + ' of ' + steps.length + ' steps failed')
  process.exit(1)
}
console.log('all ' + steps.length + ' steps passed')
